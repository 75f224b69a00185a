package io.sessionservice.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A change to a session's data, applied by a store atomically in one round trip, together with the
 * rules the store must check atomically with it:
 * <ul>
 *   <li>{@link #ownerFixed()}: the write came with only a session token, so it may not change the
 *       session's owner (its user id); a store refuses it with {@link OwnerChangeForbiddenException},
 *       changing nothing;</li>
 *   <li>{@link #maxDataBytes()}: the data after the write may not exceed this {@link DataSize}; a
 *       store refuses a write past it with {@link SessionTooLargeException}, changing nothing.</li>
 * </ul>
 * A replace never drops {@code AccountId} by omission: a body without it keeps the current one.
 */
public sealed interface Mutation permits Mutation.Replace, Mutation.Patch {

    /** No size limit. */
    long UNLIMITED = Long.MAX_VALUE;

    /** Whether applying this mutation can change the session's user id. */
    boolean changesUserId();

    /** The user id after this mutation; only meaningful when {@link #changesUserId()}. */
    String newUserId();

    /** Whether the owner must stay as it is (a write by a token holder, not by an x-key holder). */
    boolean ownerFixed();

    /** The largest {@link DataSize} the data may have after this mutation. */
    long maxDataBytes();

    /** This mutation applied to a copy of {@code data}, for stores that rewrite whole documents. */
    ObjectNode applyTo(ObjectNode data);

    /**
     * The session after this mutation (data and user id; expiry untouched), with both rules checked:
     * the reference implementation for stores that compute the new session in Java.
     */
    default Session applyTo(Session session) {
        String userId = changesUserId() ? newUserId() : session.userId();
        if (ownerFixed() && !Objects.equals(userId, session.userId())) {
            throw new OwnerChangeForbiddenException();
        }
        ObjectNode data = applyTo(session.data());
        if (maxDataBytes() != UNLIMITED && DataSize.of(data) > maxDataBytes()) {
            throw new SessionTooLargeException(maxDataBytes());
        }
        return session.withData(data, userId);
    }

    /**
     * PUT: the data becomes exactly {@code data}, except that when {@code data} has no
     * {@code AccountId} the session's current one is kept.
     */
    record Replace(ObjectNode data, boolean ownerFixed, long maxDataBytes) implements Mutation {

        /** A replace by a trusted caller, without a size limit. */
        public Replace(ObjectNode data) {
            this(data, false, UNLIMITED);
        }

        /** Whether this replace names the owner; without AccountId it keeps the current one. */
        @Override
        public boolean changesUserId() {
            return data.has(Session.ACCOUNT_ID);
        }

        @Override
        public String newUserId() {
            return Session.userIdOf(data);
        }

        @Override
        public ObjectNode applyTo(ObjectNode current) {
            ObjectNode copy = data.deepCopy();
            JsonNode owner = current.get(Session.ACCOUNT_ID);
            if (!copy.has(Session.ACCOUNT_ID) && owner != null) {
                copy.set(Session.ACCOUNT_ID, owner.deepCopy());
            }
            return copy;
        }
    }

    /** PATCH: each field of {@code set} is written, each name in {@code remove} is deleted. */
    record Patch(ObjectNode set, Set<String> remove, boolean ownerFixed, long maxDataBytes) implements Mutation {
        public Patch {
            remove = Set.copyOf(remove);
        }

        /** A patch by a trusted caller, without a size limit. */
        public Patch(ObjectNode set, Set<String> remove) {
            this(set, remove, false, UNLIMITED);
        }

        @Override
        public boolean changesUserId() {
            return set.has(Session.ACCOUNT_ID) || remove.contains(Session.ACCOUNT_ID);
        }

        @Override
        public String newUserId() {
            return Session.userIdOf(set);
        }

        @Override
        public ObjectNode applyTo(ObjectNode current) {
            ObjectNode copy = current.deepCopy();
            for (Map.Entry<String, JsonNode> e : set.properties()) {
                copy.set(e.getKey(), e.getValue().deepCopy());
            }
            remove.forEach(copy::remove);
            return copy;
        }
    }
}
