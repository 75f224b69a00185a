import io.sessionservice.store.couchbase.CouchbaseMockServer;
import io.sessionservice.store.mongo.PipelineUpdateBackend;

/**
 * For bench/latest-session.sh: runs the in-JVM stand-ins the tests use (mongo-java-server, CouchbaseMock)
 * until stdin closes, and prints one line per server: {@code mongodb <uri>}, {@code couchbase <connection string>}.
 * Launched as a source file: java -cp target/test-classes:<test class path> bench/StoreServers.java mongodb couchbase
 */
public class StoreServers {
    public static void main(String[] args) throws Exception {
        for (String store : args) {
            switch (store) {
                case "mongodb" -> {
                    var mongo = PipelineUpdateBackend.serve(0);
                    System.out.println("mongodb mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort());
                }
                case "couchbase" -> {
                    var couchbase = new CouchbaseMockServer();
                    System.out.println("couchbase " + couchbase.connectionString());
                }
                default -> throw new IllegalArgumentException("unknown store " + store);
            }
        }
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until the script closes our stdin
        }
        System.exit(0);
    }
}
