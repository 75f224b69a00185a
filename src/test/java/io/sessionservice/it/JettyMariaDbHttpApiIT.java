package io.sessionservice.it;

/**
 * The HTTP contract on embedded Jetty 12 with the JDBC store on the machine's MariaDB ({@link
 * ItStores#mariaDb}).
 */
class JettyMariaDbHttpApiIT extends AbstractHttpApiIT {

    JettyMariaDbHttpApiIT() {
        super(ItStores.mariaDb("it_http_jetty_maria"));
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }
}
