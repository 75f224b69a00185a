package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.store.redis.CommandMonitor;
import io.sessionservice.store.redis.RedisServerProcess;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link AbstractSharedStoreIT} on one Redis (a redis-server this test starts; a restarted one is empty),
 * and the local cache of issue 11 across the two instances.
 */
class RedisSharedByTwoInstancesIT extends AbstractSharedStoreIT {

    private RedisServerProcess redis;

    @Override
    protected void startServer() throws Exception {
        redis = RedisServerProcess.launch();
    }

    @Override
    protected ObjectNode repository() {
        ObjectNode repository = Http.JSON.createObjectNode().put("type", "redis").put("timeoutMs", 1000);
        repository.putObject("redis").put("url", "redis://" + redis.address());
        return repository;
    }

    @Override
    protected void stopServer() {
        redis.stop();
    }

    @Override
    protected void restartServer() throws Exception {
        redis.start();
    }

    @Override
    protected void closeServer() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected boolean keepsSessionsAcrossRestart() {
        return false;
    }

    /**
     * The local cache (issue 11): a repeated GET /validate or POST /verify of an unchanged session costs
     * Redis nothing (counted with MONITOR), and a DELETE / answered by one instance is refused by the
     * other within 100 ms, though the other had the session cached.
     */
    @Test
    void validationIsAnsweredLocallyAndADeleteOnOneIsRefusedByTheOtherWithin100Ms() throws Exception {
        String user = "user-" + UUID.randomUUID();
        String token = ok(one().post("", "{\"AccountId\":\"" + user + "\"}", "x-key", KEY)).get("xSessionToken").asText();
        String verify = "{\"user_id\":\"" + user + "\",\"token\":\"" + token + "\"}";
        try (CommandMonitor monitor = new CommandMonitor("session-service", List.of(redis.port()))) {
            awaitFree(monitor, () -> ok(two().get("validate", "x-session-token", token)));
            awaitFree(monitor, () -> assertEquals("true", ok(two().post("verify", verify, "x-key", KEY)).get("message").asText()));
        }
        ok(one().delete("", "x-session-token", token));
        long deleted = System.nanoTime();
        while (two().get("validate", "x-session-token", token).status() != 401) {
            long waited = System.nanoTime() - deleted;
            assertTrue(waited <= 100_000_000L, "the deleted token still valid on the other after " + waited / 1_000_000 + " ms");
        }
    }

    /** Repeats the request until one costs no Redis command (the cache subscribes on the first read; at most 2 s). */
    private static void awaitFree(CommandMonitor monitor, Runnable request) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        List<String> commands;
        while (!(commands = monitor.commandsDuring(request)).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "every request still sent Redis " + commands);
            Thread.sleep(5);
        }
    }
}
