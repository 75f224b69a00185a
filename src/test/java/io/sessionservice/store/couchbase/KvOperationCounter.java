package io.sessionservice.store.couchbase;

import com.couchbase.client.core.cnc.RequestSpan;
import com.couchbase.client.core.cnc.RequestTracer;
import com.couchbase.client.core.cnc.TracingIdentifiers;
import com.couchbase.client.core.cnc.tracing.NoopRequestSpan;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;

/**
 * Counts the KV operations the SDK carries out, as the SDK itself reports them: every KV request
 * opens one request span named after its operation ("get", "mutate_in", …) through the
 * environment's {@link RequestTracer}. Retries and dispatches are child spans and are not counted.
 */
final class KvOperationCounter implements RequestTracer {

    private static final Set<String> KV_OPERATIONS = Set.of(
            TracingIdentifiers.SPAN_REQUEST_KV_GET, TracingIdentifiers.SPAN_REQUEST_KV_GET_AND_TOUCH,
            TracingIdentifiers.SPAN_REQUEST_KV_GET_AND_LOCK, TracingIdentifiers.SPAN_REQUEST_KV_EXISTS,
            TracingIdentifiers.SPAN_REQUEST_KV_INSERT, TracingIdentifiers.SPAN_REQUEST_KV_UPSERT,
            TracingIdentifiers.SPAN_REQUEST_KV_REPLACE, TracingIdentifiers.SPAN_REQUEST_KV_REMOVE,
            TracingIdentifiers.SPAN_REQUEST_KV_TOUCH, TracingIdentifiers.SPAN_REQUEST_KV_LOOKUP_IN,
            TracingIdentifiers.SPAN_REQUEST_KV_MUTATE_IN, TracingIdentifiers.SPAN_REQUEST_KV_APPEND,
            TracingIdentifiers.SPAN_REQUEST_KV_PREPEND, TracingIdentifiers.SPAN_REQUEST_KV_INCREMENT,
            TracingIdentifiers.SPAN_REQUEST_KV_DECREMENT);

    private final List<String> operations = new CopyOnWriteArrayList<>();
    private final Map<Thread, Map.Entry<String, Runnable>> interruptions = new ConcurrentHashMap<>();

    @Override
    public RequestSpan requestSpan(String name, RequestSpan parent) {
        if (parent == null && KV_OPERATIONS.contains(name)) {
            Map.Entry<String, Runnable> interruption = interruptions.get(Thread.currentThread());
            if (interruption != null && interruption.getKey().equals(name)) {
                interruptions.remove(Thread.currentThread());
                interruption.getValue().run();
            }
            operations.add(name);
        }
        return NoopRequestSpan.INSTANCE;
    }

    /**
     * Runs {@code action} once, in the calling thread, when that thread next builds a KV request
     * named {@code operation}: before the request is sent. Tests use it to put another writer's
     * whole operation between a store's read and its write, deterministically.
     */
    void beforeNext(String operation, Runnable action) {
        interruptions.put(Thread.currentThread(), Map.entry(operation, action));
    }

    /** The KV operations since the last call, in order; starts counting afresh. */
    List<String> take() {
        List<String> seen = List.copyOf(operations);
        operations.clear();
        return seen;
    }

    @Override
    public Mono<Void> start() {
        return Mono.empty();
    }

    @Override
    public Mono<Void> stop(Duration timeout) {
        return Mono.empty();
    }
}
