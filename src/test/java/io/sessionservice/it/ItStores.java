package io.sessionservice.it;

import de.bwaldvogel.mongo.MongoServer;
import io.sessionservice.store.couchbase.CouchbaseMockServer;
import io.sessionservice.store.jdbc.JdbcTestDatabase;
import io.sessionservice.store.mongo.PipelineUpdateBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The {@link ItStore}s of the ITs that deploy the WAR: the memory store, the shared servers, in-JVM servers. */
final class ItStores {

    private ItStores() {
    }

    static ItStore memory() {
        return () -> "{\"type\":\"memory\",\"timeoutMs\":2000}";
    }

    /**
     * The machine's Redis (127.0.0.1:6379, never stopped) under a key prefix of the IT's own, so other builds'
     * keys are neither seen nor touched; its keys are removed at the end.
     */
    static ItStore sharedRedis(String prefixStart) {
        String keyPrefix = prefixStart + "-" + UUID.randomUUID() + ":";
        return new ItStore() {
            @Override
            public String repositoryJson() {
                return "{\"type\":\"redis\",\"timeoutMs\":2000,"
                        + "\"redis\":{\"url\":\"redis://127.0.0.1:6379\",\"keyPrefix\":\"" + keyPrefix + "\"}}";
            }

            @Override
            public void stop() {
                try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
                    ScanParams match = new ScanParams().match(keyPrefix + "*").count(1000);
                    String cursor = ScanParams.SCAN_POINTER_START;
                    do {
                        ScanResult<String> page = jedis.scan(cursor, match);
                        if (!page.getResult().isEmpty()) {
                            jedis.del(page.getResult().toArray(String[]::new));
                        }
                        cursor = page.getCursor();
                    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
                }
            }
        };
    }

    /** The machine's PostgreSQL (127.0.0.1:5432, never stopped), in a table of the IT's own, dropped at the end. */
    static ItStore postgres(String tablePrefix) {
        return new SharedDatabase(JdbcTestDatabase.POSTGRES, JdbcTestDatabase.newTable(tablePrefix));
    }

    /** The machine's MariaDB (127.0.0.1:3306, never stopped), in a table of the IT's own, dropped at the end. */
    static ItStore mariaDb(String tablePrefix) {
        return new SharedDatabase(JdbcTestDatabase.MARIADB, JdbcTestDatabase.newTable(tablePrefix));
    }

    /** An H2 file database in a temporary directory of its own, opened by the webapp, deleted at the end. */
    static ItStore h2File(String table) {
        return new ItStore() {
            private Path dir;

            @Override
            public void start() throws Exception {
                dir = Files.createTempDirectory("session-it-h2-");
            }

            @Override
            public String repositoryJson() {
                return JdbcRepositories.json(JdbcRepositories.h2File(dir), null, table);
            }

            @Override
            public void stop() {
                TempFiles.deleteRecursively(dir);
            }
        };
    }

    /**
     * The MongoDB store on mongo-java-server (with the pipeline updates the store uses) on 127.0.0.1; interrupted
     * by stopping it, restored empty on the same port (this fake keeps nothing across a restart). With MONGODB_URI
     * set, the environment overrides the config (SPEC §7): the WAR uses that MongoDB, which is never interrupted.
     */
    static ItStore mongo(int timeoutMs) {
        return new ItStore() {
            private MongoServer mongo;
            private int port;

            @Override
            public void start() {
                mongo = PipelineUpdateBackend.serve(0);
                port = mongo.getLocalAddress().getPort();
            }

            @Override
            public String repositoryJson() {
                return "{\"type\":\"mongodb\",\"timeoutMs\":" + timeoutMs + ",\"mongodb\":{\"uri\":\"mongodb://127.0.0.1:"
                        + port + "\",\"database\":\"session_service_it\"}}";
            }

            @Override
            public void stop() {
                if (mongo != null) {
                    mongo.shutdownNow();
                }
            }

            @Override
            public boolean interrupt() {
                if (System.getenv("MONGODB_URI") != null) {
                    return false;
                }
                mongo.shutdownNow();
                return true;
            }

            @Override
            public void restore() {
                mongo = PipelineUpdateBackend.serve(port);
            }
        };
    }

    /**
     * The Couchbase store on a CouchbaseMock on ports the OS picks; interrupted by its KV server no longer
     * answering (requests time out, as with a hung node). With COUCHBASE_CONNECTION_STRING set, the environment
     * overrides the config (SPEC §7): the WAR uses that Couchbase, which is never interrupted.
     */
    static ItStore couchbase(int timeoutMs) {
        return new ItStore() {
            private CouchbaseMockServer couchbase;

            @Override
            public void start() throws Exception {
                couchbase = new CouchbaseMockServer();
            }

            @Override
            public String repositoryJson() {
                return "{\"type\":\"couchbase\",\"timeoutMs\":" + timeoutMs + ",\"couchbase\":{\"connectionString\":\""
                        + couchbase.connectionString() + "\",\"username\":\"" + CouchbaseMockServer.BUCKET
                        + "\",\"password\":\"" + CouchbaseMockServer.PASSWORD + "\",\"bucket\":\""
                        + CouchbaseMockServer.BUCKET + "\"}}";
            }

            @Override
            public void stop() {
                if (couchbase != null) {
                    couchbase.close();
                }
            }

            @Override
            public boolean interrupt() {
                if (System.getenv("COUCHBASE_CONNECTION_STRING") != null) {
                    return false;
                }
                couchbase.suspend();
                return true;
            }

            @Override
            public void restore() {
                couchbase.resume();
            }
        };
    }

    private record SharedDatabase(JdbcTestDatabase database, String table) implements ItStore {
        @Override
        public String repositoryJson() {
            return JdbcRepositories.json(database.url(), database.username(), table);
        }

        @Override
        public void stop() throws Exception {
            database.drop(table);
        }
    }
}
