package io.sessionservice.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/** A change to a session's data, applied by a store atomically in one round trip. */
public sealed interface Mutation permits Mutation.Replace, Mutation.Patch {

    /** Whether applying this mutation can change the session's user id. */
    boolean changesUserId();

    /** The user id after this mutation; only meaningful when {@link #changesUserId()}. */
    String newUserId();

    /** This mutation applied to a copy of {@code data}, for stores that rewrite whole documents. */
    ObjectNode applyTo(ObjectNode data);

    /** The session after this mutation (data and user id); expiry untouched. */
    default Session applyTo(Session session) {
        String userId = changesUserId() ? newUserId() : session.userId();
        return session.withData(applyTo(session.data()), userId);
    }

    /** PUT: the data becomes exactly {@code data}. */
    record Replace(ObjectNode data) implements Mutation {
        @Override
        public boolean changesUserId() {
            return true;
        }

        @Override
        public String newUserId() {
            return Session.userIdOf(data);
        }

        @Override
        public ObjectNode applyTo(ObjectNode current) {
            return data.deepCopy();
        }
    }

    /** PATCH: each field of {@code set} is written, each name in {@code remove} is deleted. */
    record Patch(ObjectNode set, Set<String> remove) implements Mutation {
        public Patch {
            remove = Set.copyOf(remove);
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
