package io.sessionservice.store.couchbase;

import com.couchbase.client.core.error.CasMismatchException;
import com.couchbase.client.core.error.CouchbaseException;
import com.couchbase.client.core.error.DocumentExistsException;
import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.core.error.subdoc.DocumentTooDeepException;
import com.couchbase.client.core.error.subdoc.PathInvalidException;
import com.couchbase.client.core.error.subdoc.PathNotFoundException;
import com.couchbase.client.core.error.subdoc.PathTooDeepException;
import com.couchbase.client.core.error.subdoc.ValueTooDeepException;
import io.sessionservice.core.StoreUnavailableException;
import java.time.Instant;
import java.util.function.Supplier;

/** How the Couchbase store calls the SDK: which failures are outcomes and which are outages. */
final class Kv {

    private Kv() {
    }

    /**
     * Runs one SDK call. Not found, exists, CAS mismatch and the sub-document failures the store
     * handles are normal outcomes and pass through; every other SDK failure (timeouts, canceled
     * requests, service not available, authentication, …) means Couchbase did not serve the call.
     */
    static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (DocumentNotFoundException | DocumentExistsException | CasMismatchException | PathNotFoundException
                 | DocumentTooDeepException | PathTooDeepException | ValueTooDeepException | PathInvalidException e) {
            throw e;
        } catch (CouchbaseException e) {
            throw new StoreUnavailableException("Couchbase did not answer: " + describe(e), e);
        }
    }

    /** The exception's kind and message without the SDK's request context (JSON naming documents). */
    private static String describe(CouchbaseException e) {
        String message = String.valueOf(e.getMessage());
        int context = message.indexOf(" {");
        return e.getClass().getSimpleName() + ": " + (context < 0 ? message : message.substring(0, context));
    }

    /** Attempts at one conditional write before the store gives up against concurrent writers. */
    static final int MAX_ATTEMPTS = 32;

    /** Thrown by an attempt (see {@link #retrying}) whose read is no longer current: read again. */
    static final class Again extends RuntimeException {
        Again() {
            super(null, null, false, false);
        }
    }

    /**
     * Runs {@code attempt} (a read, checks in Java, a write conditional on what was read) until it
     * settles: a CAS mismatch or {@link Again} means another writer came first, so it runs again from
     * a fresh read; after {@link #MAX_ATTEMPTS} it gives up as {@link #contention}.
     */
    static <T> T retrying(String what, Supplier<T> attempt) {
        for (int i = 0; i < MAX_ATTEMPTS; i++) {
            try {
                return attempt.get();
            } catch (CasMismatchException | Again e) {
                // another writer came first: read again
            }
        }
        throw contention(what);
    }

    /** Retries ran out against concurrent writers: reported like an outage (503, try again). */
    static StoreUnavailableException contention(String what) {
        return new StoreUnavailableException("Couchbase: " + what + " kept losing to concurrent writes", null);
    }

    /** Couchbase expiry has whole seconds: round up, so a document never vanishes before its session ends. */
    static Instant expiry(Instant instant) {
        return Instant.ofEpochSecond(instant.getEpochSecond() + (instant.getNano() > 0 ? 1 : 0));
    }
}
