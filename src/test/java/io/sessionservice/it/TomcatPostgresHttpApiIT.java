package io.sessionservice.it;

/**
 * The HTTP contract on embedded Tomcat 10.1 with the JDBC store on the machine's PostgreSQL ({@link
 * ItStores#postgres}). PostgreSQL going away is {@code JdbcPostgresOutageTest}'s and {@code
 * PostgresSharedByTwoInstancesIT}'s (on servers of their own).
 */
class TomcatPostgresHttpApiIT extends AbstractHttpApiIT {

    TomcatPostgresHttpApiIT() {
        super(ItStores.postgres("it_http_tomcat_pg"));
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new TomcatContainer();
    }
}
