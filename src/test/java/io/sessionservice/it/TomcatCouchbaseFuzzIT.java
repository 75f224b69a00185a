package io.sessionservice.it;

/**
 * The fuzz run on embedded Tomcat 10.1 with the Couchbase store on a CouchbaseMock ({@link ItStores#couchbase}).
 */
class TomcatCouchbaseFuzzIT extends AbstractFuzzIT {

    TomcatCouchbaseFuzzIT() {
        super(ItStores.couchbase(2000));
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new TomcatContainer();
    }
}
