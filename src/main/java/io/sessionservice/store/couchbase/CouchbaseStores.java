package io.sessionservice.store.couchbase;

import com.couchbase.client.core.env.PasswordAuthenticator;
import com.couchbase.client.core.error.CouchbaseException;
import com.couchbase.client.java.Bucket;
import com.couchbase.client.java.Cluster;
import io.sessionservice.config.ConfigException;
import io.sessionservice.config.CouchbaseSettings;
import io.sessionservice.core.TouchResolution;
import java.time.Clock;

/** Opens the Couchbase store from its settings; SessionStores loads it only when that store is chosen. */
public final class CouchbaseStores {

    private CouchbaseStores() {
    }

    public static CouchbaseSessionStore open(CouchbaseSettings settings, TouchResolution touch, Clock clock) {
        Cluster cluster;
        try {
            cluster = CouchbaseSessionStore.cluster(settings.connectionString(),
                    PasswordAuthenticator.create(settings.username(), settings.password()), settings.timeout(), env -> { });
        } catch (CouchbaseException e) {
            throw new ConfigException("Cannot use the Couchbase connection string: " + e.getMessage(), e);
        }
        Bucket bucket = cluster.bucket(settings.bucket());
        return new CouchbaseSessionStore(bucket, bucket.scope(settings.scope()).collection(settings.collection()),
                clock, settings.timeout(), cluster::disconnect, touch);
    }
}
