package io.sessionservice.store.mongo;

import io.sessionservice.config.MongoSettings;
import io.sessionservice.core.TouchResolution;
import java.time.Clock;

/** Opens the MongoDB store from its settings; SessionStores loads it only when that store is chosen. */
public final class MongoStores {

    private MongoStores() {
    }

    public static MongoSessionStore open(MongoSettings settings, TouchResolution touch, Clock clock) {
        return new MongoSessionStore(MongoSessionStore.settings(settings.connection(), settings.timeout()),
                settings.database(), settings.collection(), touch, clock);
    }
}
