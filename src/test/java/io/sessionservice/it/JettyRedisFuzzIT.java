package io.sessionservice.it;

import java.util.UUID;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The fuzz run on embedded Jetty 12 with the Redis store, on the shared Redis at 127.0.0.1:6379 under a key
 * prefix of its own (removed afterwards), so other builds' keys are neither seen nor touched.
 */
class JettyRedisFuzzIT extends AbstractFuzzIT {

    private final String keyPrefix = "fuzz-it-" + UUID.randomUUID() + ":";

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }

    @Override
    protected String repositoryJson() {
        return "{\"type\":\"redis\",\"timeoutMs\":2000,\"redis\":{\"url\":\"redis://127.0.0.1:6379\",\"keyPrefix\":\""
                + keyPrefix + "\"}}";
    }

    @Override
    protected void cleanStore() {
        try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
            ScanParams match = new ScanParams().match(keyPrefix + "*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, match);
                if (!page.getResult().isEmpty()) {
                    jedis.del(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }
}
