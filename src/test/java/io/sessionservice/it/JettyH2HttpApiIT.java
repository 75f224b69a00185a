package io.sessionservice.it;

/**
 * The HTTP contract on embedded Jetty 12 with the JDBC store on an H2 file database, the embedded store that
 * persists ({@link ItStores#h2File}).
 */
class JettyH2HttpApiIT extends AbstractHttpApiIT {

    JettyH2HttpApiIT() {
        super(ItStores.h2File("it_http_jetty_h2"));
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }
}
