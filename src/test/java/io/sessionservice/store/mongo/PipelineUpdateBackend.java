package io.sessionservice.store.mongo;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.QueryParameters;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import java.util.List;
import java.util.stream.Stream;

/**
 * mongo-java-server's in-memory backend plus the one server feature it lacks and the store needs:
 * {@code findAndModify} with an update pipeline (MongoDB 4.2+). mongo-java-server 1.47 fails such a
 * command with a ClassCastException. Here the pipeline runs through mongo-java-server's own
 * aggregation stages ($addFields, $unset, expressions) on the matched document, and the result
 * replaces it, all under the collection's lock (its findAndModify is synchronized), so the update
 * is atomic as on MongoDB. Everything else is the unmodified fake.
 */
public final class PipelineUpdateBackend extends MemoryBackend {

    /** A mongo-java-server with this backend, listening on 127.0.0.1:{@code port} (0: any free port). */
    public static MongoServer serve(int port) {
        MongoServer server = new MongoServer(new PipelineUpdateBackend());
        server.bind("127.0.0.1", port);
        return server;
    }

    @Override
    public MemoryDatabase openOrCreateDatabase(String databaseName) {
        return new MemoryDatabase(databaseName, getCursorRegistry()) {
            @Override
            protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
                return new PipelineUpdateCollection(this, collectionName, options);
            }
        };
    }

    private final class PipelineUpdateCollection extends MemoryCollection {

        PipelineUpdateCollection(MemoryDatabase database, String name, CollectionOptions options) {
            super(database, name, options, getCursorRegistry());
        }

        @Override
        public synchronized Document findAndModify(Document command) {
            if (!(command.get("update") instanceof List<?> pipeline)) {
                return super.findAndModify(command);
            }
            Document query = (Document) command.getOrDefault("query", new Document());
            // No match: an empty replacement that super.findAndModify matches nowhere (no upsert).
            Document replacement = new Document();
            for (Document current : handleQuery(new QueryParameters(query, 0, 1))) {
                // A deep copy: the fake's $addFields merges sub-documents in place, and the stored
                // document may be being encoded into another client's reply at this moment.
                replacement = Aggregation.fromPipeline(pipeline, null, getDatabase(), this, null)
                        .runStages(Stream.of(current.cloneDeeply())).get(0);
            }
            Document asReplacement = command.clone();
            asReplacement.put("update", replacement);
            return super.findAndModify(asReplacement);
        }
    }
}
