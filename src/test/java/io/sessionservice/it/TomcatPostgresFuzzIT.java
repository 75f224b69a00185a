package io.sessionservice.it;

/**
 * The fuzz run on embedded Tomcat 10.1 with the JDBC store on the machine's PostgreSQL ({@link
 * ItStores#postgres}).
 */
class TomcatPostgresFuzzIT extends AbstractFuzzIT {

    TomcatPostgresFuzzIT() {
        super(ItStores.postgres("it_fuzz_tomcat_pg"));
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new TomcatContainer();
    }
}
