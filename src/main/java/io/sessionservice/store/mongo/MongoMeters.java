package io.sessionservice.store.mongo;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.mongodb.MongoMetricsCommandListener;
import io.micrometer.core.instrument.binder.mongodb.MongoMetricsConnectionPoolListener;

/**
 * The MongoDB store's own meters, Micrometer's MongoDB binders: the driver's pools
 * ({@code mongodb_driver_pool_size}, {@code _checkedout}, {@code _waitqueuesize}, per server) and its
 * commands ({@code mongodb_driver_commands_seconds} by command and status), fed by the store's
 * {@link MongoDriverEvents}.
 */
public final class MongoMeters implements MeterBinder {

    private final MongoDriverEvents events;

    public MongoMeters(MongoSessionStore store) {
        this.events = store.driverEvents();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        events.addPoolListener(new MongoMetricsConnectionPoolListener(registry));
        events.addCommandListener(new MongoMetricsCommandListener(registry));
    }
}
