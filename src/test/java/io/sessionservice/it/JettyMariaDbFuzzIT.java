package io.sessionservice.it;

/** The fuzz run on embedded Jetty 12 with the JDBC store on the machine's MariaDB ({@link ItStores#mariaDb}). */
class JettyMariaDbFuzzIT extends AbstractFuzzIT {

    JettyMariaDbFuzzIT() {
        super(ItStores.mariaDb("it_fuzz_jetty_maria"));
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }
}
