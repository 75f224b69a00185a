package io.sessionservice.store.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.config.ServiceConfig;
import io.sessionservice.core.Digests;
import io.sessionservice.core.Json;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.OwnerChangeForbiddenException;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.SessionTooLargeException;
import io.sessionservice.core.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Sessions in Redis, standalone or Cluster (Jedis, its own connection pools). A session is a hash
 * {@code <prefix>s:<token>} whose key expires with the session; a user's sessions are indexed in a
 * sorted set {@code <prefix>u:<userId>} scored by createdAt, so a page of them, newest first, costs
 * O(log n + limit); the index key's expiry is raised to its longest-living member's. Every write is
 * {@code session.lua} by EVALSHA (EVAL when the server lost its script cache), judging liveness by this
 * store's clock and checking a mutation's fixed owner and size limit before it writes anything. Data
 * values stay the JSON text Jackson wrote: Lua never decodes them.
 *
 * <p>Standalone, the script keeps the index itself (and the per-user cap, on insert), so every
 * operation is one command. In Cluster a session and its user's index sit in different slots: the
 * script touches only the session and {@link ClusterUserIndex} keeps the index with further commands
 * (before an insert, so no session is ever unindexed; after a change of owner or an index-bound
 * refresh; the cap after the insert). The README has the key layout and round-trip budget.
 */
public final class RedisSessionStore implements SessionStore {

    static final String SCRIPT = resource("session.lua");
    static final String SHA = HexFormat.of().formatHex(Digests.sha1(SCRIPT));
    private static final String DATA = "d:";

    private final Supplier<UnifiedJedis> connector;
    private final boolean cluster;
    private final String sessionPrefix;
    private final String indexPrefix;
    private final Clock clock;
    private final ClusterUserIndex userIndex = new ClusterUserIndex(this);
    private volatile UnifiedJedis client;

    RedisSessionStore(RedisConnection connection, Clock clock) {
        this.connector = connection.connector();
        this.cluster = connection.cluster();
        this.sessionPrefix = connection.keyPrefix() + "s:";
        this.indexPrefix = connection.keyPrefix() + "u:";
        this.clock = clock;
    }

    /** Opens the store that {@code repository.redis} describes (see {@link RedisConnection}). */
    public static RedisSessionStore open(ServiceConfig config, Clock clock) {
        return new RedisSessionStore(RedisConnection.of(config), clock);
    }

    @Override
    public boolean insert(Session s, int maxSessionsPerUser) {
        long exp = s.expiresAt().toEpochMilli();
        String created = Long.toString(s.createdAt().toEpochMilli());
        String bound = "";
        long indexed = 0;
        if (cluster && s.userId() != null) {
            // Index first: a crash after this leaves a stale entry, never an unindexed session.
            // The bound is the one session.lua keeps: exp, or 3 ttl ahead for sliding sessions.
            bound = Long.toString(s.sliding() ? exp + 3000 * s.ttlSeconds() : exp);
            indexed = indexAdd(s.userId(), s.token(), created, bound);
        }
        List<String> args = args("insert", s.token(), optUser(s.userId()), created, Long.toString(exp),
                Long.toString(s.ttlSeconds()), s.sliding() ? "1" : "0", bound, Integer.toString(maxSessionsPerUser));
        addNumbered(args, s.data());
        boolean inserted = Long.valueOf(1).equals(script(sessionKey(s.token()), args));
        if (cluster && s.userId() != null) {
            if (!inserted) {
                restoreIndexScore(s.userId(), s.token());
            } else if (indexed > maxSessionsPerUser) {
                userIndex.endOldestPast(s.userId(), maxSessionsPerUser);
            }
        }
        return inserted;
    }

    @Override
    public Optional<Session> find(String token, boolean touch) {
        if (!touch) {
            return Optional.ofNullable(parse(token, call(c -> c.hgetAll(sessionKey(token)))));
        }
        return settled(token, script(sessionKey(token), args("touch", token)), Mutation.UNLIMITED);
    }

    @Override
    public Optional<Session> update(String token, Mutation mutation, boolean touch) {
        boolean changes = mutation.changesUserId();
        String limit = mutation.maxDataBytes() == Mutation.UNLIMITED ? "" : Long.toString(mutation.maxDataBytes());
        List<String> args = args("update", token, touch ? "1" : "0",
                mutation instanceof Mutation.Replace ? "replace" : "patch", changes ? "1" : "0",
                changes ? optUser(mutation.newUserId()) : "", mutation.ownerFixed() ? "1" : "0", limit);
        if (mutation instanceof Mutation.Replace replace) {
            args.add("0");
            addNumbered(args, replace.data());
        } else if (mutation instanceof Mutation.Patch patch) {
            args.add(Integer.toString(patch.remove().size()));
            patch.remove().forEach(name -> args.add(DATA + name));
            for (Map.Entry<String, JsonNode> field : patch.set().properties()) {
                args.add(DATA + field.getKey());
                args.add(json(field.getValue()));
            }
        }
        return settled(token, script(sessionKey(token), args), mutation.maxDataBytes());
    }

    @Override
    public boolean delete(String token) {
        return Long.valueOf(1).equals(script(sessionKey(token), args("delete", token, "")));
    }

    @Override
    public List<Session> findByUser(String userId, PageStart start, int limit) {
        if (limit < 1) {
            return List.of();
        }
        if (cluster) {
            return userIndex.page(userId, start, limit);
        }
        List<?> reply = (List<?>) script(indexKey(userId), args("user_page", sessionPrefix, userId,
                Long.toString(start.createdAtMillis()), Integer.toString(start.skip()), Integer.toString(limit)));
        List<Session> found = new ArrayList<>();
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            Session s = parse((String) reply.get(i), toMap((List<?>) reply.get(i + 1)));
            if (s != null) {
                found.add(s);
            }
        }
        return found;
    }

    @Override
    public int deleteByUser(String userId) {
        if (!cluster) {
            return ((Long) script(indexKey(userId), args("user_delete", sessionPrefix, userId))).intValue();
        }
        return userIndex.deleteAll(userId);
    }

    @Override
    public void ping() {
        call(UnifiedJedis::ping);
    }

    @Override
    public void close() {
        UnifiedJedis c = client;
        if (c != null) {
            c.close();
        }
    }

    // ---- plumbing ----

    /** Runs a command on the (lazily connected) client; every Jedis failure is a StoreUnavailableException. */
    <T> T call(Function<UnifiedJedis, T> command) {
        try {
            return command.apply(client());
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    /** session.lua by SHA; a server that restarted or flushed its scripts gets the text once (EVAL caches it). */
    Object script(String key, List<String> args) {
        return call(c -> {
            try {
                return c.evalsha(SHA, List.of(key), args);
            } catch (JedisNoScriptException e) {
                return c.eval(SCRIPT, List.of(key), args);
            }
        });
    }

    <T> List<T> pipelined(Function<AbstractPipeline, List<T>> commands) {
        return call(c -> {
            try (AbstractPipeline p = c.pipelined()) {
                List<T> responses = commands.apply(p);
                p.sync();
                return responses;
            }
        });
    }

    <T> T get(Response<T> response) {
        try {
            return response.get();
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    private UnifiedJedis client() {
        UnifiedJedis c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    client = c = connector.get(); // Cluster: discovers the slots; retried until it succeeds
                }
            }
        }
        return c;
    }

    /** Wraps a failure; after a connection failure, drops the idle pooled connections (they may be stale). */
    private StoreUnavailableException unavailable(JedisException e) {
        UnifiedJedis c = client;
        if (e instanceof JedisConnectionException || e instanceof JedisClusterOperationException) {
            if (c instanceof RedisClient standalone) {
                standalone.getPool().clear();
            } else if (c instanceof RedisClusterClient clustered) {
                clustered.getClusterNodes().values().forEach(pool -> pool.clear());
            }
        }
        // A server's error reply can quote what it was sent (keys hold tokens): keep only its code (OOM, ERR, …).
        String detail = e instanceof JedisDataException && e.getMessage() != null
                ? "server error " + e.getMessage().split(" ", 2)[0] : e.getMessage();
        return new StoreUnavailableException("Redis: " + detail, e);
    }

    /** The session a script left, after applying its index hint (Cluster); refusals become exceptions. */
    private Optional<Session> settled(String token, Object reply, long maxDataBytes) {
        if (reply == null) {
            return Optional.empty();
        }
        if (reply instanceof Long refusal) {
            if (refusal == -1) {
                throw new OwnerChangeForbiddenException();
            }
            throw new SessionTooLargeException(maxDataBytes);
        }
        List<?> r = (List<?>) reply;
        String hint = (String) r.get(0);
        Map<String, String> hash = toMap((List<?>) r.get(2));
        if (!hint.isEmpty()) {
            indexAdd(hint.substring(1), token, hash.get("created"), (String) r.get(1));
        }
        return Optional.ofNullable(parse(token, hash));
    }

    /** Cluster: the token in its user's index at createdAt with its expiry bound; the tokens indexed. */
    long indexAdd(String userId, String token, String created, String bound) {
        return (Long) script(indexKey(userId), args("index_add", token, created, bound));
    }

    /**
     * Cluster, after an insert refused because the token is live: index_add ran first with the refused
     * session's createdAt; when the live session is the same user's, its own createdAt goes back.
     */
    private void restoreIndexScore(String userId, String token) {
        Map<String, String> hash = call(c -> c.hgetAll(sessionKey(token)));
        if (userId.equals(hash.get("user")) && hash.get("created") != null) {
            call(c -> c.zadd(indexKey(userId), Double.parseDouble(hash.get("created")), token));
        }
    }

    /** The session in a hash, or null when the hash is empty or the session has expired. */
    Session parse(String token, Map<String, String> hash) {
        String exp = hash.get("exp");
        if (exp == null || Long.parseLong(exp) <= now()) {
            return null;
        }
        record Field(long seq, String name, String json) {
        }
        List<Field> fields = new ArrayList<>();
        hash.forEach((name, value) -> {
            if (name.startsWith(DATA)) {
                int colon = value.indexOf(':');
                fields.add(new Field(Long.parseLong(value.substring(0, colon)), name.substring(DATA.length()),
                        value.substring(colon + 1)));
            }
        });
        fields.sort(Comparator.comparingLong(Field::seq));
        ObjectNode data = Json.MAPPER.createObjectNode();
        try {
            for (Field f : fields) {
                data.set(f.name(), Json.MAPPER.readTree(f.json()));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable session data in Redis", e);
        }
        return new Session(token, hash.get("user"), data, Instant.ofEpochMilli(Long.parseLong(hash.get("created"))),
                Instant.ofEpochMilli(Long.parseLong(exp)), Long.parseLong(hash.get("ttl")), "1".equals(hash.get("sliding")));
    }

    /** Appends each data field as "d:name", "seq:json", numbered from 1 in the object's order. */
    private static void addNumbered(List<String> args, ObjectNode data) {
        int seq = 0;
        for (Map.Entry<String, JsonNode> field : data.properties()) {
            args.add(DATA + field.getKey());
            args.add(++seq + ":" + json(field.getValue()));
        }
    }

    List<String> args(String op, String... rest) {
        List<String> args = new ArrayList<>(List.of(op, Long.toString(now()), cluster ? "" : indexPrefix));
        args.addAll(List.of(rest));
        return args;
    }

    String sessionKey(String token) {
        return sessionPrefix + token;
    }

    String indexKey(String userId) {
        return indexPrefix + userId;
    }

    long now() {
        return clock.millis();
    }

    static String optUser(String userId) {
        return userId == null ? "" : "=" + userId;
    }

    private static Map<String, String> toMap(List<?> flat) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return map;
    }

    private static String json(JsonNode value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = RedisSessionStore.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
