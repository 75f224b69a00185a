package io.sessionservice.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.testing.TestConfigs;
import io.sessionservice.store.SessionStores;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.DataSize;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionTooLargeException;
import io.sessionservice.core.Tokens;
import io.sessionservice.core.TouchResolution;
import io.sessionservice.store.SessionStoreContract;
import io.sessionservice.store.TestClock;
import io.sessionservice.store.TokensAtRestContract;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The store contract plus what is particular to Redis, run against standalone Redis and Redis
 * Cluster: keys always expire, the user index cleans itself, field names cannot clash with the
 * store's own, and every operation keeps to its round-trip budget (counted by the servers).
 */
abstract class AbstractRedisSessionStoreTest extends SessionStoreContract implements RedisLocalCacheTests,
        TokensAtRestContract {

    /** Each run writes under its own prefix (and client name), so a shared server needs no cleanup. */
    protected final String keyPrefix = "test-" + UUID.randomUUID() + ":";
    protected final String clientName = "sessionstore-test-" + UUID.randomUUID().toString().substring(0, 8);

    /** The ports of the Redis servers (standalone: one; Cluster: every master). */
    protected abstract List<Integer> ports();

    /** repository.redis connection settings: url or clusterNodes. */
    protected abstract ObjectNode connection();

    protected abstract boolean cluster();

    /** A client of the same servers for looking at keys (routes by key in Cluster). */
    @Override
    public abstract UnifiedJedis inspector();

    /**
     * The store with its local cache on (the default) and already subscribed, so that the contract runs
     * against a cache that answers.
     */
    @Override
    protected RedisSessionStore openStore(TestClock clock) throws InterruptedException {
        RedisSessionStore opened = open(clientName);
        opened.find(Tokens.issue(), false); // the first read starts the subscriptions
        awaitLocalCache(opened);
        return opened;
    }

    private RedisSessionStore open(String name) {
        ObjectNode repository = JsonNodeFactory.instance.objectNode().put("type", "redis");
        repository.set("redis", connection().put("keyPrefix", keyPrefix).put("clientName", name));
        return SessionStores.redis(TestConfigs.of(repository).redis(), clock);
    }

    // ---- the local cache (RedisLocalCacheTests) ----

    @Override
    protected RedisSessionStore openStore(TestClock clock, TouchResolution touch) {
        ObjectNode repository = JsonNodeFactory.instance.objectNode().put("type", "redis");
        repository.set("redis", connection().put("keyPrefix", keyPrefix).put("clientName", clientName));
        return SessionStores.redis(TestConfigs.of(repository).redis(), touch, clock);
    }

    @Override
    public RedisSessionStore cachedStore() {
        return (RedisSessionStore) store;
    }

    @Override
    public RedisSessionStore secondStore() throws InterruptedException {
        RedisSessionStore second = open(clientName + "-second");
        second.find(Tokens.issue(), false);
        awaitLocalCache(second);
        return second;
    }

    @Override
    public TestClock testClock() {
        return clock;
    }

    @Override
    public String prefix() {
        return keyPrefix;
    }

    @Override
    public String nodeCommand(int port, String command) throws Exception {
        return RedisServerProcess.command(port, command);
    }

    // ---- tokens at rest (TokensAtRestContract) ----

    /** Every key this test wrote, with its value (hash fields, index members), read on the servers. */
    @Override
    public String rawContent(String userId, List<String> storageKeys) {
        StringBuilder raw = new StringBuilder();
        try (UnifiedJedis c = inspector()) {
            for (String key : keys()) {
                raw.append(key).append(" = ").append(switch (c.type(key)) {
                    case "hash" -> c.hgetAll(key).toString();
                    case "zset" -> c.zrange(key, 0, -1).toString();
                    case "set" -> c.smembers(key).toString();
                    case "list" -> c.lrange(key, 0, -1).toString();
                    case "string" -> c.get(key);
                    default -> "(" + c.type(key) + ")";
                }).append('\n');
            }
        }
        return raw.toString();
    }

    /** The MONITOR lines of every node, the scripts' commands included: what MONITOR would show an operator. */
    @Override
    public String sentDuring(Runnable action) throws Exception {
        try (CommandMonitor monitor = new CommandMonitor(clientName, ports())) {
            return String.join("\n", monitor.linesDuring(action));
        }
    }

    // ---- keys and index ----

    @Test
    void everyKeyExpires() throws Exception {
        String owner = user();
        Session a = stored(owner);
        Session b = stored(owner);
        store.update(a.token(), new Mutation.Patch(json("{\"AccountId\":\"" + user() + "\",\"x\":1}"), Set.of()), true);
        store.update(b.token(), new Mutation.Replace(json("{\"AccountId\":null,\"y\":[]}")), true); // ownerless now
        store.find(stored(owner).token(), true);
        store.delete(stored(user()).token());
        store.deleteByUser(owner);
        store.insert(session(null, 60, false));
        List<String> keys = keys();
        assertTrue(keys.size() >= 4, "keys written: " + keys);
        for (String key : keys) {
            long pttl = pttl(key);
            assertTrue(pttl > 0 || pttl == -2, key + " has no expiry (PTTL " + pttl + ")");
        }
    }

    @Test
    void userIndexDropsExpiredEntriesOnAnInsertPastTheCap() throws Exception {
        String owner = user();
        for (int i = 0; i < 5; i++) {
            store.insert(session(owner, 10, i % 2 == 0));
        }
        assertEquals(5, indexOf(owner).size());
        advance(Duration.ofSeconds(11 + 3 * 10)); // past the bound Cluster keeps for sliding sessions too
        Session live = session(owner, 600, true);
        assertTrue(store.insert(live, 2)); // standalone: 6 entries > 2 reads them all; Cluster: the bounds passed
        assertEquals(List.of(live.token()), indexOf(owner));
        assertEquals(1, store.deleteByUser(owner));
        assertTrue(indexOf(owner).isEmpty());
    }

    @Test
    void theIndexIsScoredByCreationAndOutlivesItsLongestMember() throws Exception {
        String owner = user();
        Instant t = clock.instant();
        Session older = new Session(Tokens.issue(), owner, json("{\"AccountId\":\"" + owner + "\"}"),
                t.minusSeconds(5), t.plusSeconds(900), 905, true);
        Session newer = new Session(Tokens.issue(), owner, json("{\"AccountId\":\"" + owner + "\"}"),
                t, t.plusSeconds(60), 60, false);
        assertTrue(store.insert(older));
        assertTrue(store.insert(newer));
        try (UnifiedJedis c = inspector()) {
            String key = keyPrefix + "u:" + owner;
            assertEquals(List.of(newer.token(), older.token()), indexOf(owner));
            assertEquals((double) t.toEpochMilli(), c.zscore(key, newer.token()));
            assertEquals((double) t.minusSeconds(5).toEpochMilli(), c.zscore(key, older.token()));
            long indexExpiry = System.currentTimeMillis() + c.pttl(key);
            assertTrue(indexExpiry >= older.expiresAt().toEpochMilli(), "the index expires before its longest member");
            advance(Duration.ofSeconds(800));
            Session slid = store.find(older.token(), true).orElseThrow(); // now expires 905 s later
            indexExpiry = System.currentTimeMillis() + c.pttl(key);
            assertTrue(indexExpiry >= slid.expiresAt().toEpochMilli(), "a slide did not raise the index's expiry");
        }
    }

    @Test
    void aSlidingSessionStaysIndexedWhileItIsTouched() throws Exception {
        String owner = user();
        Session sliding = session(owner, 10, true);
        store.insert(sliding);
        for (int i = 0; i < 8; i++) {
            advance(Duration.ofSeconds(7));
            assertTrue(store.find(sliding.token(), true).isPresent());
            store.insert(session(owner, 1, false)); // a write to the index: trims what it thinks is past
            assertTrue(tokens(store.findByUser(owner)).contains(sliding.token()), "lost from the index at touch " + i);
        }
        advance(Duration.ofSeconds(2)); // the 1 s sessions are gone, the sliding one is not
        assertEquals(1, store.deleteByUser(owner));
        assertTrue(store.find(sliding.token(), false).isEmpty());
    }

    @Test
    void dataFieldNamesCannotClashWithTheStoresOwnFields() {
        ObjectNode data = json("{\"exp\":\"x\",\"ttl\":[1],\"user\":{},\"seq\":null,\"created\":-1,\"sliding\":false,"
                + "\"bound\":\"0\",\"d:exp\":\"y\",\"d:\":1,\"\":\"\",\"AccountId\":\"owner:{1}\"}");
        Instant now = clock.instant();
        Session s = new Session(Tokens.issue(), "owner:{1}", data, now, now.plusSeconds(60), 60, true);
        assertTrue(store.insert(s));
        Session found = store.find(s.token(), true).orElseThrow();
        assertEquals(data.toString(), found.data().toString());
        assertEquals(60, found.ttlSeconds());
        Session patched = store.update(s.token(),
                new Mutation.Patch(json("{\"exp\":0,\"seq\":\"s\",\"new\":true}"), Set.of("d:exp", "ttl")), true).orElseThrow();
        ObjectNode expected = data.deepCopy().put("exp", 0).put("seq", "s").put("new", true);
        expected.remove(List.of("d:exp", "ttl"));
        assertEquals(expected.toString(), patched.data().toString());
        assertEquals(expected.toString(), store.find(s.token(), false).orElseThrow().data().toString());
        assertEquals(List.of(s.token()), tokens(store.findByUser("owner:{1}")));
    }

    @Test
    void manyFieldsAndLargeValuesKeepTheirOrder() {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        String large = "x".repeat(100); // past the size at which Redis stops keeping a hash in insertion order
        for (int i = 2600; i > 0; i--) { // more fields than one HSET chunk, in no sorted order
            data.put("f" + i, i % 7 == 0 ? large : Integer.toString(i));
        }
        Session s = session(null, 600, true).withData(data, null);
        assertTrue(store.insert(s));
        assertEquals(data.toString(), store.find(s.token(), false).orElseThrow().data().toString());

        ObjectNode patch = JsonNodeFactory.instance.objectNode().put("f1300", "changed").put("added", large);
        Set<String> remove = new java.util.HashSet<>();
        for (int i = 1; i <= 1500; i++) {
            remove.add("f" + (2 * i));
        }
        remove.remove("f1300");
        ObjectNode expected = data.deepCopy();
        expected.put("f1300", "changed").put("added", large);
        expected.remove(remove);
        assertEquals(expected.toString(),
                store.update(s.token(), new Mutation.Patch(patch, remove), false).orElseThrow().data().toString());

        ObjectNode replaced = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < 1200; i++) {
            replaced.put("r" + (i * 7919 % 1200), large + i);
        }
        assertEquals(replaced.toString(),
                store.update(s.token(), new Mutation.Replace(replaced), false).orElseThrow().data().toString());
        assertEquals(replaced.toString(), store.find(s.token(), false).orElseThrow().data().toString());
    }

    @Test
    void everyOperationSurvivesALostScriptCache() throws Exception {
        String owner = user();
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // several tokens, so that every Cluster node is asked
            flushScripts();
            Session s = stored(owner);
            sessions.add(s);
            flushScripts();
            assertTrue(store.find(s.token(), true).isPresent());
            flushScripts();
            assertTrue(store.update(s.token(), new Mutation.Patch(json("{\"i\":" + i + "}"), Set.of()), true).isPresent());
        }
        flushScripts();
        assertTrue(store.delete(sessions.get(0).token()));
        flushScripts();
        assertEquals(5, store.findByUser(owner).size());
        flushScripts();
        assertEquals(5, store.deleteByUser(owner));
    }

    @Test
    void aRefusedInsertLeavesTheLiveSessionsIndexPosition() {
        String owner = user();
        Session live = stored(owner);
        Session clash = new Session(live.token(), owner, live.data(), clock.instant().plusSeconds(5),
                clock.instant().plusSeconds(60), 60, false);
        assertFalse(store.insert(clash)); // Cluster wrote the index first, with the clash's createdAt
        try (UnifiedJedis c = inspector()) {
            assertEquals((double) live.createdAt().toEpochMilli(), c.zscore(keyPrefix + "u:" + owner, live.token()));
        }
    }

    @Test
    void theSizeLimitHoldsForSessionsStoredWithoutASizeField() {
        Session s = stored(user()); // {"n":1,"AccountId":...}
        try (UnifiedJedis c = inspector()) {
            c.hdel(keyPrefix + "s:" + s.token(), "size"); // as an earlier version wrote it
        }
        long size = DataSize.of(s.data());
        ObjectNode add = json("{\"more\":\"0123456789\"}");
        assertThrows(SessionTooLargeException.class, () -> store.update(s.token(),
                new Mutation.Patch(add, Set.of(), false, size + DataSize.of(add) - 1), true));
        assertTrue(store.update(s.token(), new Mutation.Patch(add, Set.of(), false, size + DataSize.of(add)), true)
                .isPresent());
        assertThrows(SessionTooLargeException.class, () -> store.update(s.token(),
                new Mutation.Patch(json("{\"x\":1}"), Set.of(), false, size + DataSize.of(add)), true));
    }

    /** The latest session of a user reads one session (two reads standalone), not all the user holds. */
    @Test
    void theLatestSessionReadsOneSessionWhateverTheUserHolds() throws Exception {
        String owner = user();
        Instant t = clock.instant();
        Session newest = null;
        for (int i = 0; i < 40; i++) {
            Session s = new Session(Tokens.issue(), owner, json("{\"AccountId\":\"" + owner + "\"}"),
                    t.minusMillis(40 - i), t.plusSeconds(600), 600, true);
            assertTrue(store.insert(s));
            newest = s;
        }
        String newestToken = newest.token();
        try (CommandMonitor monitor = new CommandMonitor(clientName, ports())) {
            List<String> sessionCommands = monitor.commandsOnKeysDuring(() -> assertEquals(List.of(newestToken),
                    tokens(store.findByUser(owner, PageStart.FIRST, 1))), keyPrefix + "s:");
            assertTrue(sessionCommands.size() <= 2, "session reads for the latest of 40: " + sessionCommands);
        }
    }

    // ---- round trips ----

    /** Per operation, the commands Redis receives (MONITOR, this store's connections only). */
    @Test
    void everyOperationKeepsToItsRoundTripBudget() throws Exception {
        Map<String, Integer> budget = new java.util.LinkedHashMap<>();
        String owner = user();
        try (CommandMonitor monitor = new CommandMonitor(clientName, ports())) {
            warmUp();
            Session s = session(owner, 100, true);
            budget.put("create (with owner)", count(monitor, () -> assertTrue(store.insert(s))));
            budget.put("create (no owner)", count(monitor, () -> store.insert(session(null, 100, true))));
            budget.put("validate", count(monitor, () -> store.find(s.token(), false).orElseThrow()));
            budget.put("validate (again, unchanged)", count(monitor, () -> store.find(s.token(), false).orElseThrow()));
            budget.put("get (cached, within the touch resolution)", count(monitor,
                    () -> store.find(s.token(), true).orElseThrow()));
            budget.put("put", count(monitor, () -> store.update(s.token(),
                    new Mutation.Replace(json("{\"AccountId\":\"" + owner + "\",\"a\":1}")), true).orElseThrow()));
            budget.put("patch", count(monitor, () -> store.update(s.token(),
                    new Mutation.Patch(json("{\"b\":2}"), Set.of("a")), true).orElseThrow()));
            advance(Duration.ofSeconds(2)); // ttl 100 s: past its resolution of 1 s
            budget.put("get (slide due)", count(monitor, () -> store.find(s.token(), true).orElseThrow()));
            budget.put("delete", count(monitor, () -> assertTrue(store.delete(s.token()))));

            Session moving = stored(owner);
            budget.put("patch (new owner)", count(monitor, () -> store.update(moving.token(),
                    new Mutation.Patch(json("{\"AccountId\":\"" + user() + "\"}"), Set.of()), true).orElseThrow()));
            Session rotating = stored(owner);
            budget.put("rotate (with owner)", count(monitor, () -> store.rotate(rotating.token(),
                    store.newTokenFor(rotating.token()), null).orElseThrow()));
            Session loose = stored(null);
            budget.put("rotate (no owner, with grace)", count(monitor, () -> store.rotate(loose.token(),
                    store.newTokenFor(loose.token()), clock.instant().plusSeconds(5)).orElseThrow()));
            Session kept = stored(owner); // ttl 600 s
            advance(Duration.ofSeconds(400));
            store.find(kept.token(), true);
            advance(Duration.ofSeconds(400)); // Cluster: the index score is now less than 2 ttl ahead
            budget.put("get (index refresh due)", count(monitor, () -> store.find(kept.token(), true).orElseThrow()));

            String many = user();
            for (int i = 0; i < 3; i++) {
                stored(many);
            }
            budget.put("findByUser (3 live)", count(monitor, () -> assertEquals(3, store.findByUser(many).size())));
            budget.put("latest of user (3 live)", count(monitor,
                    () -> assertEquals(1, store.findByUser(many, PageStart.FIRST, 1).size())));
            budget.put("deleteByUser (3 live)", count(monitor, () -> assertEquals(3, store.deleteByUser(many))));

            advance(Duration.ofSeconds(10)); // ttl 600 s: past its resolution of 6 s, so the script runs
            flushScripts();
            budget.put("get (slide due, script cache lost)", count(monitor, () -> store.find(kept.token(), true).orElseThrow()));
            advance(Duration.ofSeconds(10));
            budget.put("get (slide due, reloaded)", count(monitor, () -> store.find(kept.token(), true).orElseThrow()));
        }
        System.out.println((cluster() ? "Redis Cluster" : "Redis") + " commands per operation: " + budget);
        assertEquals(expectedBudget(), budget);
    }

    /**
     * What Redis runs for a touch, the script's own commands included (MONITOR, this run's keys):
     * within the resolution one plain HGETALL; the alternative, the script deciding by itself, for
     * comparison (README); a touch that slides; the user index's expiry raised only when due.
     */
    @Test
    void aTouchRunsOnlyTheCommandsItNeeds() throws Exception {
        String owner = user();
        Session s = stored(owner); // ttl 600 s: resolution 6 s
        String sessionKey = keyPrefix + "s:" + s.token();
        try (CommandMonitor monitor = new CommandMonitor(clientName, ports()); UnifiedJedis c = inspector()) {
            Map<String, List<String>> seen = new java.util.LinkedHashMap<>();
            seen.put("touch within the resolution", monitor.commandsOnKeysDuring(
                    () -> store.find(s.token(), true).orElseThrow(), keyPrefix));
            seen.put("the same by the script alone", monitor.commandsOnKeysDuring(() -> c.eval(SessionScript.SCRIPT,
                    List.of(sessionKey), List.of("touch", Long.toString(clock.millis()), cluster() ? "" : keyPrefix + "u:",
                            s.token(), "60000")), keyPrefix));
            advance(Duration.ofSeconds(7));
            seen.put("touch that slides", monitor.commandsOnKeysDuring(
                    () -> store.find(s.token(), true).orElseThrow(), keyPrefix));
            advance(Duration.ofSeconds(3));
            seen.put("patch within the resolution", monitor.commandsOnKeysDuring(() -> store.update(s.token(),
                    new Mutation.Patch(json("{\"x\":1}"), Set.of()), true).orElseThrow(), keyPrefix));
            advance(Duration.ofSeconds(595)); // the new expiry passes what the index was last raised for
            seen.put("touch that slides past the index bound", monitor.commandsOnKeysDuring(
                    () -> store.find(s.token(), true).orElseThrow(), keyPrefix));
            System.out.println((cluster() ? "Redis Cluster" : "Redis") + " commands of a touch: " + seen);
            // sorted: in Cluster each node's MONITOR is read in turn, so the order across nodes is not kept
            Map<String, List<String>> sorted = new java.util.LinkedHashMap<>();
            seen.forEach((what, commands) -> sorted.put(what, commands.stream().sorted().toList()));
            Map<String, List<String>> expected = new java.util.LinkedHashMap<>();
            expectedTouchCommands().forEach((what, commands) -> expected.put(what, commands.stream().sorted().toList()));
            assertEquals(expected, sorted);
        }
    }

    /** Per touch of {@link #aTouchRunsOnlyTheCommandsItNeeds}, the commands on this run's keys (any order). */
    protected Map<String, List<String>> expectedTouchCommands() {
        Map<String, List<String>> expected = new java.util.LinkedHashMap<>();
        expected.put("touch within the resolution", List.of("HGETALL"));
        expected.put("the same by the script alone", List.of("HMGET", "HGETALL"));
        expected.put("touch that slides", List.of("HGETALL", "HMGET", "HSET", "PEXPIREAT", "HGETALL"));
        expected.put("patch within the resolution", List.of("HMGET", "HGET", "HINCRBY", "HSET", "HSET", "PEXPIREAT", "HGETALL"));
        List<String> raised = new ArrayList<>(List.of("HGETALL", "HMGET", "HSET", "PEXPIREAT", "HSET", "HGETALL"));
        // standalone: the script raises the index key's expiry (PTTL, and TIME, which names no key);
        // Cluster: the bound is due too, and index_add runs on the index's node
        raised.addAll(cluster() ? List.of("ZRANGE", "ZADD", "ZADD", "PTTL", "PEXPIREAT", "ZCOUNT") : List.of("PTTL", "PEXPIREAT"));
        expected.put("touch that slides past the index bound", raised);
        return expected;
    }

    private Map<String, Integer> expectedBudget() {
        boolean c = cluster();
        Map<String, Integer> expected = new java.util.LinkedHashMap<>();
        expected.put("create (with owner)", c ? 2 : 1);
        expected.put("create (no owner)", 1);
        expected.put("validate", 1);
        expected.put("validate (again, unchanged)", 0); // the local cache answers
        expected.put("get (cached, within the touch resolution)", 0);
        expected.put("put", 1);
        expected.put("patch", 1);
        expected.put("get (slide due)", 2);
        expected.put("delete", 1);
        expected.put("patch (new owner)", c ? 2 : 1);
        expected.put("rotate (with owner)", c ? 2 : 1); // Cluster: + index_add on the user's index
        expected.put("rotate (no owner, with grace)", 1);
        expected.put("get (index refresh due)", c ? 3 : 2);
        expected.put("findByUser (3 live)", c ? 1 + 3 : 1);
        expected.put("latest of user (3 live)", c ? 1 + 1 : 1);
        expected.put("deleteByUser (3 live)", c ? 1 + 3 + 1 : 1);
        expected.put("get (slide due, script cache lost)", 3);
        expected.put("get (slide due, reloaded)", 2);
        return expected;
    }

    private int count(CommandMonitor monitor, Runnable operation) {
        return monitor.commandsDuring(operation).size();
    }

    /** Every node has the script and a pooled connection, the local cache its subscriptions: what a running service has. */
    private void warmUp() throws InterruptedException {
        for (int i = 0; i < 32; i++) {
            Session s = stored(user());
            store.find(s.token(), true);
            store.delete(s.token());
        }
        awaitLocalCache((RedisSessionStore) store);
    }

    /** Waits (polling, at most 10 s) until the store's local cache is subscribed on every node. */
    static void awaitLocalCache(RedisSessionStore store) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!store.localCacheTrusted()) {
            assertTrue(System.nanoTime() < deadline, "the local cache never subscribed");
            Thread.sleep(5);
        }
    }

    // ---- inspection ----

    private void flushScripts() throws Exception {
        for (int port : ports()) {
            RedisServerProcess.command(port, "SCRIPT FLUSH");
        }
    }

    /** The tokens in a user's index, newest first (not Cluster's expiry-bound members). */
    private List<String> indexOf(String userId) {
        try (UnifiedJedis c = inspector()) {
            return c.zrevrangeByScore(keyPrefix + "u:" + userId, "+inf", ClusterUserIndex.CREATED_MIN);
        }
    }

    private long pttl(String key) {
        try (UnifiedJedis c = inspector()) {
            return c.pttl(key);
        }
    }

    /** Every key under this run's prefix, on every node. */
    private List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (int port : ports()) {
            try (RedisClient c = RedisClient.create("127.0.0.1", port)) {
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = c.scan(cursor, new ScanParams().match(keyPrefix + "*").count(1000));
                    keys.addAll(page.getResult());
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }
        return keys;
    }
}
