package io.sessionservice.it;

/** The fuzz run on embedded Tomcat 10.1 with the JDBC store on an H2 file database ({@link ItStores#h2File}). */
class TomcatH2FuzzIT extends AbstractFuzzIT {

    TomcatH2FuzzIT() {
        super(ItStores.h2File("it_fuzz_tomcat_h2"));
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new TomcatContainer();
    }
}
