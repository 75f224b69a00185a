package io.sessionservice.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The session rules both HTTP dialects share: token format, TTL limits, expiry, which fields are
 * server-managed, who owns a session. Resources translate HTTP to these calls and nothing more.
 */
public final class SessionService {

    /** A client's clock may run ahead of ours by this much when it sends created_at. */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    /** The longest maxTtlSec (100 years): keeps every instant the service computes far from Instant's ends. */
    public static final long MAX_TTL_LIMIT_SECONDS = 36_500L * 86_400;

    private final SessionStore store;
    private final Clock clock;
    private final long defaultTtlSeconds;
    private final long maxTtlSeconds;
    private final SessionLimits limits;
    private final ServerFields serverFields;
    private final TokensAtRest tokensAtRest;

    public SessionService(SessionStore store, Clock clock, long defaultTtlSeconds, long maxTtlSeconds) {
        this(store, clock, defaultTtlSeconds, maxTtlSeconds, SessionLimits.DEFAULT);
    }

    /** A service whose callers never write data through server-managed fields ({@link ServerFields#NONE}). */
    public SessionService(SessionStore store, Clock clock, long defaultTtlSeconds, long maxTtlSeconds,
                          SessionLimits limits) {
        this(store, clock, defaultTtlSeconds, maxTtlSeconds, limits, ServerFields.NONE);
    }

    /** @param serverFields the representation's server-managed fields, never stored as data */
    public SessionService(SessionStore store, Clock clock, long defaultTtlSeconds, long maxTtlSeconds,
                          SessionLimits limits, ServerFields serverFields) {
        this(store, clock, defaultTtlSeconds, maxTtlSeconds, limits, serverFields, TokensAtRest.PLAIN);
    }

    /** @param tokensAtRest how the store keeps tokens: every token reaches the store as its storage key */
    public SessionService(SessionStore store, Clock clock, long defaultTtlSeconds, long maxTtlSeconds,
                          SessionLimits limits, ServerFields serverFields, TokensAtRest tokensAtRest) {
        if (defaultTtlSeconds < 1 || defaultTtlSeconds > maxTtlSeconds) {
            throw new IllegalArgumentException("sessionExpirySec must be between 1 and maxTtlSec");
        }
        if (maxTtlSeconds > MAX_TTL_LIMIT_SECONDS) {
            throw new IllegalArgumentException("maxTtlSec must be at most " + MAX_TTL_LIMIT_SECONDS + " (100 years)");
        }
        this.store = store;
        this.clock = clock;
        this.defaultTtlSeconds = defaultTtlSeconds;
        this.maxTtlSeconds = maxTtlSeconds;
        this.limits = limits;
        this.serverFields = serverFields;
        this.tokensAtRest = tokensAtRest;
    }

    public SessionLimits limits() {
        return limits;
    }

    public SessionStore store() {
        return store;
    }

    /**
     * How the store keeps tokens. With {@link TokensAtRest#HASHED} the sessions read by user
     * ({@link #latestSession}, {@link #sessionsOf}) carry the token's digest, not the token.
     */
    public TokensAtRest tokensAtRest() {
        return tokensAtRest;
    }

    // ---- state API (sliding sessions) ----

    /**
     * POST /: a sliding session whose data is the body minus server-managed fields; its token the one in
     * the body's token field, if any, else an issued one.
     *
     * @param ttlSeconds null for the default, else 1..maxTtlSec
     */
    public Session createStateSession(ObjectNode body, Long ttlSeconds) {
        return createStateSession(body, ttlSeconds, null);
    }

    /**
     * POST / with the x-max-lifetime header: {@code maxLifetimeSeconds} caps this session's life below
     * the maxLifetimeSec setting (null: the setting; with the setting off, any value up to 100 years).
     */
    public Session createStateSession(ObjectNode body, Long ttlSeconds, Long maxLifetimeSeconds) {
        if (ttlSeconds != null) {
            checkTtlRange(ttlSeconds);
        }
        long lifetime = lifetimeOf(maxLifetimeSeconds);
        long ttl = ttlSeconds == null ? defaultTtlSeconds : ttlSeconds;
        String token = null;
        JsonNode supplied = serverFields.token() == null ? null : body.get(serverFields.token());
        if (supplied != null && !supplied.isNull()) {
            if (!supplied.isTextual() || !Tokens.isWellFormed(supplied.textValue())) {
                throw new InvalidRequestException(serverFields.token()
                        + " must be 16 to 256 characters of A-Z, a-z, 0-9, '.', '_', '~' or '-'");
            }
            token = supplied.textValue();
        }
        ObjectNode data = withoutServerFields(body);
        Instant now = now();
        Instant lifetimeEnd = lifetime == 0 ? null : now.plusSeconds(lifetime);
        Instant expiresAt = now.plusSeconds(ttl);
        if (lifetimeEnd != null && expiresAt.isAfter(lifetimeEnd)) {
            expiresAt = lifetimeEnd;
        }
        return answer(insert(token, data, now, expiresAt, ttl, true, lifetimeEnd));
    }

    /** GET /: the session, its sliding expiry extended. */
    public Optional<Session> get(String token) {
        return Tokens.isWellFormed(token) ? answered(token, store.find(key(token), true)) : Optional.empty();
    }

    /** GET /validate: the session, expiry left as it is. */
    public Optional<Session> validate(String token) {
        return Tokens.isWellFormed(token) ? answered(token, store.find(key(token), false)) : Optional.empty();
    }

    /**
     * POST /rotate: the session moved to a new issued token (same data, owner, createdAt, expiry, ttl and
     * lifetime cap; nothing slides). The old token ends at once, or after rotationGraceSec during which it
     * still reads the session as it was (see {@link SessionStore#rotate}). Any live session rotates,
     * sliding or absolute (those of POST /create too). Empty when the token names no live session, or
     * names a rotation's read-only copy (a rotated token cannot be rotated again).
     */
    public Optional<Session> rotate(String token) {
        if (!Tokens.isWellFormed(token)) {
            return Optional.empty();
        }
        Instant oldUntil = limits.rotationGraceSec() == 0 ? null : now().plusSeconds(limits.rotationGraceSec());
        String fresh = store.newTokenFor(key(token), tokensAtRest::storageKey);
        return answered(fresh, store.rotate(key(token), key(fresh), oldUntil));
    }

    /** PUT / by a token holder: the owner stays as it is. */
    public Optional<Session> replace(String token, ObjectNode body) {
        return replace(token, body, false);
    }

    /**
     * PUT /: data replaced by the body (a body without AccountId keeps the current one); expiry
     * extended. Only a caller with a valid x-key ({@code keyed}) may change or remove the owner.
     */
    public Optional<Session> replace(String token, ObjectNode body, boolean keyed) {
        return update(token, new Mutation.Replace(withoutServerFields(body), !keyed, limits.maxSessionBytes()));
    }

    /** PATCH / by a token holder: the owner stays as it is. */
    public Optional<Session> patch(String token, ObjectNode body) {
        return patch(token, body, false);
    }

    /**
     * PATCH /: each top-level field set, a null field removed; expiry extended. Only a caller with a
     * valid x-key ({@code keyed}) may change or remove the owner.
     */
    public Optional<Session> patch(String token, ObjectNode body, boolean keyed) {
        ObjectNode set = JsonNodeFactory.instance.objectNode();
        Set<String> remove = new HashSet<>();
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (serverFields.all().contains(field.getKey())) {
                continue;
            }
            if (field.getValue().isNull()) {
                remove.add(field.getKey());
            } else {
                set.set(field.getKey(), field.getValue());
            }
        }
        return update(token, new Mutation.Patch(set, remove, !keyed, limits.maxSessionBytes()));
    }

    public boolean delete(String token) {
        return Tokens.isWellFormed(token) && store.delete(key(token));
    }

    // ---- user-session API (absolute expiry) ----

    /**
     * POST /create. Expiry is expiresAt if given, else (createdAt or now) + ttl, else now + the
     * default; it never slides. The user id is also kept as data.AccountId, so the state API sees
     * the same owner.
     */
    public Session createUserSession(UserSessionRequest request) {
        if (request.userId() == null || request.userId().isEmpty()) {
            throw new InvalidRequestException("user_id is required");
        }
        if (request.token() != null && !Tokens.isWellFormed(request.token())) {
            throw new InvalidRequestException(
                    "token must be 16 to 256 characters of A-Z, a-z, 0-9, '.', '_', '~' or '-'");
        }
        if (request.ttlSeconds() != null) {
            checkTtlRange(request.ttlSeconds());
        }
        Instant now = now();
        Instant latestExpiry = Timestamps.plusSecondsSaturating(now, maxTtlSeconds);
        Instant createdAt = request.createdAt() == null
                ? now : checkCreatedAt(request.createdAt().truncatedTo(ChronoUnit.MILLIS), now);
        Instant expiresAt;
        if (request.expiresAt() != null) {
            expiresAt = request.expiresAt().truncatedTo(ChronoUnit.MILLIS);
            if (!expiresAt.isAfter(now)) {
                throw new InvalidRequestException("expired_at must be in the future");
            }
            if (expiresAt.isAfter(latestExpiry)) {
                throw new InvalidRequestException("expired_at must be at most maxTtlSec (" + maxTtlSeconds + " s) from now");
            }
            if (!expiresAt.isAfter(createdAt)) {
                throw new InvalidRequestException("expired_at must be after created_at");
            }
        } else {
            long ttl = request.ttlSeconds() == null ? defaultTtlSeconds : request.ttlSeconds();
            expiresAt = Timestamps.plusSecondsSaturating(createdAt, ttl);
            if (!expiresAt.isAfter(now)) {
                throw new InvalidRequestException("created_at + ttl must be in the future");
            }
            if (expiresAt.isAfter(latestExpiry)) {
                throw new InvalidRequestException("created_at + ttl must be at most maxTtlSec (" + maxTtlSeconds + " s) from now");
            }
        }
        long ttl = request.ttlSeconds() != null && request.expiresAt() == null
                ? request.ttlSeconds()
                : Math.max(1, secondsRoundingUp(Duration.between(createdAt, expiresAt)));
        ObjectNode data = JsonNodeFactory.instance.objectNode().put(Session.ACCOUNT_ID, request.userId());
        Session created = insert(request.token(), data, createdAt, expiresAt, ttl, false);
        if (createdAt.isBefore(now) && store.find(key(created.token()), false).isEmpty()) {
            // Backdated behind every session of a user at the cap: the cap ended it at once. One
            // extra read, paid only by creates that name a past created_at.
            throw new ConflictException("user_id already holds maxSessionsPerUser (" + limits.maxSessionsPerUser()
                    + ") sessions created after created_at; nothing was created");
        }
        return created;
    }

    /** GET /session: the user's live session created last (one indexed read, whatever their count). */
    public Optional<Session> latestSession(String userId) {
        return store.findByUser(userId, PageStart.FIRST, 1).stream().findFirst();
    }

    /** All of a user's live sessions, newest first (at most maxSessionsPerUser, plus any a race let in). */
    public List<Session> sessionsOf(String userId) {
        return store.findByUser(userId);
    }

    /**
     * GET /sessions: one page of the user's live sessions, newest first.
     *
     * @param limit  page size, 1..{@link UserSessionPage#MAX_LIMIT}; null for {@link UserSessionPage#DEFAULT_LIMIT}
     * @param cursor null for the first page, else the {@code nextCursor} of the page before
     */
    public UserSessionPage sessionsOf(String userId, Integer limit, String cursor) {
        int size = limit == null ? UserSessionPage.DEFAULT_LIMIT : limit;
        if (size < 1 || size > UserSessionPage.MAX_LIMIT) {
            throw new InvalidRequestException("limit must be between 1 and " + UserSessionPage.MAX_LIMIT);
        }
        PageStart start = cursor == null ? PageStart.FIRST : UserSessionPage.decodeCursor(cursor);
        // One more than asked tells whether a next page exists, so the last page carries no cursor.
        List<Session> found = store.findByUser(userId, start, size + 1);
        return UserSessionPage.of(found, start, size);
    }

    /** DELETE /sessions: logout everywhere. */
    public int endSessionsOf(String userId) {
        return store.deleteByUser(userId);
    }

    /** POST /verify: the token is live and belongs to the user. Never extends expiry. */
    public boolean verify(String userId, String token) {
        return validate(token).map(s -> userId.equals(s.userId())).orElse(false);
    }

    // ---- shared rules ----

    public void checkTtlRange(long ttl) {
        if (ttl < 1 || ttl > maxTtlSeconds) {
            throw new InvalidRequestException("ttl must be between 1 and " + maxTtlSeconds + " seconds");
        }
    }

    private Optional<Session> update(String token, Mutation mutation) {
        return Tokens.isWellFormed(token) ? answered(token, store.update(key(token), mutation, true)) : Optional.empty();
    }

    /** What the store knows the token by (TokensAtRest): the token itself, or its digest. */
    private String key(String token) {
        return tokensAtRest.storageKey(token);
    }

    /** A session read by its storage key, as answers show it, under the token the caller presented. */
    private Optional<Session> answered(String token, Optional<Session> stored) {
        return (tokensAtRest.keepsTokens() ? stored : stored.map(s -> s.withToken(token))).map(this::answer);
    }

    /** Stores {@code session} under its token's storage key. */
    private boolean store(Session session, int cap) {
        return store.insert(tokensAtRest.keepsTokens() ? session : session.withToken(key(session.token())), cap);
    }

    /** The lifetime cap of a new sliding session: the header's value, checked against the setting, or the setting. */
    private long lifetimeOf(Long requested) {
        long setting = limits.maxLifetimeSec();
        if (requested == null) {
            return setting;
        }
        long most = setting == 0 ? MAX_TTL_LIMIT_SECONDS : setting;
        if (requested < 1 || requested > most) {
            throw new InvalidRequestException("max lifetime must be between 1 and " + most + " seconds");
        }
        return requested;
    }

    /**
     * A session as answers show it: a capped session's ttl is at most the whole seconds left before its
     * lifetime end, so Ttl says how far a touch can still move the expiry (Expires is already capped).
     */
    private Session answer(Session s) {
        if (s.lifetimeEnd() == null || !s.sliding()) {
            return s;
        }
        long left = secondsRoundingUp(Duration.between(now(), s.lifetimeEnd()));
        return left >= s.ttlSeconds() ? s : s.withTtlSeconds(Math.max(0, left));
    }

    private Session insert(String suppliedToken, ObjectNode data, Instant createdAt, Instant expiresAt,
                           long ttl, boolean sliding) {
        return insert(suppliedToken, data, createdAt, expiresAt, ttl, sliding, null);
    }

    private Session insert(String suppliedToken, ObjectNode data, Instant createdAt, Instant expiresAt,
                           long ttl, boolean sliding, Instant lifetimeEnd) {
        createdAt = createdAt.truncatedTo(ChronoUnit.MILLIS);
        expiresAt = expiresAt.truncatedTo(ChronoUnit.MILLIS);
        String userId = Session.userIdOf(data);
        if (DataSize.of(data) > limits.maxSessionBytes()) {
            throw new SessionTooLargeException(limits.maxSessionBytes());
        }
        int cap = limits.maxSessionsPerUser();
        if (suppliedToken != null) {
            Session session = new Session(suppliedToken, userId, data, createdAt, expiresAt, ttl, sliding, lifetimeEnd);
            if (!store(session, cap)) {
                throw new TokenConflictException();
            }
            return session;
        }
        // An issued token clashing is a 2^-256 event; retrying keeps even that from reaching the client.
        for (int attempt = 0; attempt < 3; attempt++) {
            Session session = new Session(Tokens.issue(), userId, data, createdAt, expiresAt, ttl, sliding, lifetimeEnd);
            if (store(session, cap)) {
                return session;
            }
        }
        throw new IllegalStateException("three issued tokens clashed; the random source is broken");
    }

    private ObjectNode withoutServerFields(ObjectNode body) {
        ObjectNode data = body.deepCopy();
        data.remove(serverFields.all());
        return data;
    }

    /**
     * created_at: at most {@link #CLOCK_SKEW} ahead of now and at most maxTtlSec behind it, so every
     * later sum and difference of instants stays far from overflow.
     */
    private Instant checkCreatedAt(Instant createdAt, Instant now) {
        if (createdAt.isAfter(now.plus(CLOCK_SKEW))) {
            throw new InvalidRequestException(
                    "created_at must be at most " + CLOCK_SKEW.toSeconds() + " s in the future");
        }
        if (createdAt.isBefore(Timestamps.plusSecondsSaturating(now, -maxTtlSeconds))) {
            throw new InvalidRequestException(
                    "created_at must be at most maxTtlSec (" + maxTtlSeconds + " s) in the past");
        }
        return createdAt;
    }

    /** Whole seconds, rounded up; saturates rather than overflows (getSeconds never does, unlike toMillis). */
    private static long secondsRoundingUp(Duration d) {
        long seconds = d.getSeconds();
        return d.getNano() > 0 && seconds < Long.MAX_VALUE ? seconds + 1 : seconds;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
