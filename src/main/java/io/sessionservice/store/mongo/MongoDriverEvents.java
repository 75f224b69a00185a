package io.sessionservice.store.mongo;

import com.mongodb.MongoClientSettings;
import com.mongodb.connection.ConnectionId;
import com.mongodb.connection.ServerId;
import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import com.mongodb.event.ConnectionCheckOutFailedEvent;
import com.mongodb.event.ConnectionCheckOutStartedEvent;
import com.mongodb.event.ConnectionCheckedInEvent;
import com.mongodb.event.ConnectionCheckedOutEvent;
import com.mongodb.event.ConnectionClosedEvent;
import com.mongodb.event.ConnectionCreatedEvent;
import com.mongodb.event.ConnectionPoolClosedEvent;
import com.mongodb.event.ConnectionPoolCreatedEvent;
import com.mongodb.event.ConnectionPoolListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The driver's pool and command events, handed to listeners that come after the client was built:
 * the driver takes its listeners in the client settings, but the service binds meters once the store
 * is open (the one seam every store shares, see {@code StoreMeters}), and this store creates its
 * indexes while it opens. A late pool listener is first told of the pools and connections that exist,
 * so its counts start right. Without listeners, each event costs a read of an empty list.
 */
public final class MongoDriverEvents implements ConnectionPoolListener, CommandListener {

    private final List<ConnectionPoolListener> poolListeners = new CopyOnWriteArrayList<>();
    private final List<CommandListener> commandListeners = new CopyOnWriteArrayList<>();
    // guarded by this: what a late pool listener is told first
    private final Map<ServerId, ConnectionPoolCreatedEvent> pools = new LinkedHashMap<>();
    private final Map<ConnectionId, ConnectionCreatedEvent> connections = new LinkedHashMap<>();

    /** {@code settings} with this relay among the client's pool and command listeners. */
    MongoClientSettings listeningTo(MongoClientSettings settings) {
        return MongoClientSettings.builder(settings)
                .applyToConnectionPoolSettings(b -> b.addConnectionPoolListener(this))
                .addCommandListener(this)
                .build();
    }

    /** Adds a pool listener, told first of the pools and connections that exist now. */
    public synchronized void addPoolListener(ConnectionPoolListener listener) {
        pools.values().forEach(listener::connectionPoolCreated);
        connections.values().forEach(listener::connectionCreated);
        poolListeners.add(listener);
    }

    public void addCommandListener(CommandListener listener) {
        commandListeners.add(listener);
    }

    @Override
    public synchronized void connectionPoolCreated(ConnectionPoolCreatedEvent event) {
        pools.put(event.getServerId(), event);
        poolListeners.forEach(l -> l.connectionPoolCreated(event));
    }

    @Override
    public synchronized void connectionPoolClosed(ConnectionPoolClosedEvent event) {
        pools.remove(event.getServerId());
        connections.keySet().removeIf(id -> id.getServerId().equals(event.getServerId()));
        poolListeners.forEach(l -> l.connectionPoolClosed(event));
    }

    @Override
    public synchronized void connectionCreated(ConnectionCreatedEvent event) {
        connections.put(event.getConnectionId(), event);
        poolListeners.forEach(l -> l.connectionCreated(event));
    }

    @Override
    public synchronized void connectionClosed(ConnectionClosedEvent event) {
        connections.remove(event.getConnectionId());
        poolListeners.forEach(l -> l.connectionClosed(event));
    }

    @Override
    public void connectionCheckOutStarted(ConnectionCheckOutStartedEvent event) {
        poolListeners.forEach(l -> l.connectionCheckOutStarted(event));
    }

    @Override
    public void connectionCheckedOut(ConnectionCheckedOutEvent event) {
        poolListeners.forEach(l -> l.connectionCheckedOut(event));
    }

    @Override
    public void connectionCheckOutFailed(ConnectionCheckOutFailedEvent event) {
        poolListeners.forEach(l -> l.connectionCheckOutFailed(event));
    }

    @Override
    public void connectionCheckedIn(ConnectionCheckedInEvent event) {
        poolListeners.forEach(l -> l.connectionCheckedIn(event));
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        commandListeners.forEach(l -> l.commandStarted(event));
    }

    @Override
    public void commandSucceeded(CommandSucceededEvent event) {
        commandListeners.forEach(l -> l.commandSucceeded(event));
    }

    @Override
    public void commandFailed(CommandFailedEvent event) {
        commandListeners.forEach(l -> l.commandFailed(event));
    }
}
