package io.sessionservice.it;

import io.sessionservice.store.redis.RedisServerProcess;

/**
 * The HTTP contract on embedded Jetty 12 with the Redis store, on a redis-server of its own that the
 * §6 test stops and starts again (the service keeps running throughout).
 */
class JettyRedisHttpApiIT extends AbstractHttpApiIT {

    private RedisServerProcess redis;

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }

    @Override
    protected void startStore() throws Exception {
        redis = RedisServerProcess.launch();
    }

    @Override
    protected void stopStore() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected String repositoryJson() {
        return "{\"type\":\"redis\",\"timeoutMs\":2000,\"redis\":{\"url\":\"redis://" + redis.address() + "\"}}";
    }

    @Override
    public boolean interruptStore() {
        redis.stop();
        return true;
    }

    @Override
    public void restoreStore() throws Exception {
        redis.start();
    }
}
