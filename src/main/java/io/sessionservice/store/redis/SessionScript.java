package io.sessionservice.store.redis;

import static io.sessionservice.store.redis.SessionHash.DATA;

import io.sessionservice.core.Digests;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.OwnerChangeForbiddenException;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionTooLargeException;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.core.TokenConflictException;
import io.sessionservice.core.TouchResolution;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One typed call per operation of {@code session.lua}, which it runs by EVALSHA (EVAL when the server
 * lost its script cache). Its header documents the positional arguments built here; every call
 * passes the operation, now by this store's clock, and the index prefix when the script keeps the
 * user indexes itself (standalone; "" in Cluster). Optional user ids travel as "" or "=" + id.
 */
final class SessionScript {

    static final String SCRIPT = resource("session.lua");
    static final String SHA = HexFormat.of().formatHex(Digests.sha1(SCRIPT));

    /** What an update or touch left: the live session's hash, and the index entry to refresh (Cluster). */
    record Settled(Map<String, String> hash, String hintUser, String hintBound) {
    }

    private final RedisCommands redis;
    private final RedisKeys keys;
    private final Clock clock;
    private final String scriptIndexPrefix;
    private final TouchResolution touchResolution;

    /**
     * {@code scriptKeepsIndex}: standalone Redis, where a session and its user's index share one server;
     * {@code touchResolution}: how far a touch may leave the expiry behind before it writes.
     */
    SessionScript(RedisCommands redis, RedisKeys keys, Clock clock, boolean scriptKeepsIndex,
                  TouchResolution touchResolution) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.scriptIndexPrefix = scriptKeepsIndex ? keys.indexPrefix() : "";
        this.touchResolution = touchResolution;
    }

    /** Inserts unless the token is live; {@code bound}: the Cluster index bound ("" standalone). */
    boolean insert(Session s, String bound, int maxSessionsPerUser) {
        List<String> args = args("insert", s.token(), optUser(s.userId()),
                Long.toString(s.createdAt().toEpochMilli()), Long.toString(s.expiresAt().toEpochMilli()),
                Long.toString(s.ttlSeconds()), flag(s.sliding()), bound, Integer.toString(maxSessionsPerUser),
                s.lifetimeEnd() == null ? "" : Long.toString(s.lifetimeEnd().toEpochMilli()));
        SessionHash.addNumbered(args, s.data());
        return Long.valueOf(1).equals(eval(keys.session(s.token()), args));
    }

    /**
     * Reads a live session and slides it when that is due; null when there is none. One plain
     * {@code HGETALL}; only when the expiry must move (by more than the touch resolution, see
     * {@link TouchResolution#mustWrite}) the script too, which decides again atomically. So a session
     * touched more often than once per resolution costs what a validate costs.
     */
    Settled touch(String token) {
        Map<String, String> hash = redis.call(c -> c.hgetAll(keys.session(token)));
        long now = clock.millis();
        String exp = hash.get("exp");
        if (exp == null || Long.parseLong(exp) <= now) {
            return null;
        }
        String end = hash.get("end");
        boolean due = "1".equals(hash.get("sliding")) && touchResolution.mustWrite(Long.parseLong(exp),
                Long.parseLong(hash.get("ttl")) * 1000, now, end == null ? Long.MAX_VALUE : Long.parseLong(end));
        return due ? touchByScript(token) : new Settled(hash, null, null);
    }

    /** The script's touch alone: reads, and slides when due, in one EVALSHA (the write path of {@link #touch}). */
    Settled touchByScript(String token) {
        return settled(eval(keys.session(token), args("touch", token, resolution())), Mutation.UNLIMITED);
    }

    /** Applies the mutation to a live session; null when there is none; refusals are thrown. */
    Settled update(String token, Mutation mutation, boolean touch) {
        boolean changes = mutation.changesUserId();
        String limit = mutation.maxDataBytes() == Mutation.UNLIMITED ? "" : Long.toString(mutation.maxDataBytes());
        List<String> args = args("update", token, touch ? resolution() : "",
                mutation instanceof Mutation.Replace ? "replace" : "patch", flag(changes),
                changes ? optUser(mutation.newUserId()) : "", flag(mutation.ownerFixed()), limit);
        if (mutation instanceof Mutation.Replace replace) {
            args.add("0");
            SessionHash.addNumbered(args, replace.data());
        } else if (mutation instanceof Mutation.Patch patch) {
            args.add(Integer.toString(patch.remove().size()));
            patch.remove().forEach(name -> args.add(DATA + name));
            SessionHash.addUnnumbered(args, patch.set());
        }
        return settled(eval(keys.session(token), args), mutation.maxDataBytes());
    }

    /**
     * Moves the live session to {@code newToken} (whose key is in the same slot in Cluster), leaving a read-only
     * copy under the old token until {@code oldUntilMillis} (0: none); null when there is no live session.
     *
     * @throws TokenConflictException when {@code newToken} names a live session (nothing changed)
     */
    Settled rotate(String token, String newToken, long oldUntilMillis) {
        Object reply = evalKeys(List.of(keys.session(token), keys.session(newToken)),
                args("rotate", token, newToken, oldUntilMillis == 0 ? "" : Long.toString(oldUntilMillis)));
        if (Long.valueOf(0).equals(reply)) {
            throw new TokenConflictException();
        }
        return settled(reply, Mutation.UNLIMITED);
    }

    /** Deletes the session (only when {@code owner} owns it, unless null); whether a live one ended. */
    boolean delete(String token, String owner) {
        return Long.valueOf(1).equals(eval(keys.session(token), deleteArgs(token, owner)));
    }

    /** {@link #delete} in a pipeline; read the reply with {@link #deleted}. */
    Response<Object> delete(AbstractPipeline p, String token, String owner) {
        return p.evalsha(SHA, List.of(keys.session(token)), deleteArgs(token, owner));
    }

    /** A pipelined delete's outcome; a server without the script cached gets the delete again by EVAL. */
    boolean deleted(Response<Object> reply, String token, String owner) {
        try {
            return Long.valueOf(1).equals(redis.get(reply));
        } catch (StoreUnavailableException e) {
            if (!(e.getCause() instanceof JedisNoScriptException)) {
                throw e;
            }
            return delete(token, owner);
        }
    }

    /** Cluster: the token in its user's index at createdAt with its expiry bound; the tokens indexed. */
    long indexAdd(String userId, String token, String created, String bound) {
        return (Long) eval(keys.index(userId), args("index_add", token, created, bound));
    }

    /** Standalone: one page of the user's sessions, newest first, as {token, flat hash, …}. */
    List<?> userPage(String userId, PageStart start, int limit) {
        return (List<?>) eval(keys.index(userId), args("user_page", keys.sessionPrefix(), userId,
                Long.toString(start.createdAtMillis()), Integer.toString(start.skip()), Integer.toString(limit)));
    }

    /** Standalone: ends all the user's sessions; how many were live. */
    int userDelete(String userId) {
        return ((Long) eval(keys.index(userId), args("user_delete", keys.sessionPrefix(), userId))).intValue();
    }

    private List<String> deleteArgs(String token, String owner) {
        return args("delete", token, owner == null ? "" : optUser(owner));
    }

    private Object eval(String key, List<String> args) {
        return evalKeys(List.of(key), args);
    }

    private Object evalKeys(List<String> keyList, List<String> args) {
        return redis.call(c -> {
            try {
                return c.evalsha(SHA, keyList, args);
            } catch (JedisNoScriptException e) {
                return c.eval(SCRIPT, keyList, args);
            }
        });
    }

    private static Settled settled(Object reply, long maxDataBytes) {
        if (reply == null) {
            return null;
        }
        if (reply instanceof Long refusal) {
            if (refusal == -1) {
                throw new OwnerChangeForbiddenException();
            }
            throw new SessionTooLargeException(maxDataBytes);
        }
        List<?> r = (List<?>) reply;
        String hint = (String) r.get(0);
        return new Settled(SessionHash.toMap((List<?>) r.get(2)), hint.isEmpty() ? null : hint.substring(1),
                (String) r.get(1));
    }

    private List<String> args(String op, String... rest) {
        List<String> args = new ArrayList<>(List.of(op, Long.toString(clock.millis()), scriptIndexPrefix));
        args.addAll(List.of(rest));
        return args;
    }

    private String resolution() {
        return Long.toString(touchResolution.maxMillis());
    }

    private static String optUser(String userId) {
        return userId == null ? "" : "=" + userId;
    }

    private static String flag(boolean b) {
        return b ? "1" : "0";
    }

    private static String resource(String name) {
        try (InputStream in = SessionScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
