package io.sessionservice.it;

/** The fuzz run on embedded Jetty 12 with the Redis store on the shared Redis ({@link ItStores#sharedRedis}). */
class JettyRedisFuzzIT extends AbstractFuzzIT {

    JettyRedisFuzzIT() {
        super(ItStores.sharedRedis("fuzz-it"));
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }
}
