package io.sessionservice.it;

/** The HTTP contract on embedded Tomcat 10.1 with the Redis store on the shared Redis ({@link ItStores#sharedRedis}). */
class TomcatRedisHttpApiIT extends AbstractHttpApiIT {

    TomcatRedisHttpApiIT() {
        super(ItStores.sharedRedis("it"));
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new TomcatContainer();
    }
}
