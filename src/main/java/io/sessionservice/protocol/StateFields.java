package io.sessionservice.protocol;

import io.sessionservice.core.ServerFields;
import java.util.Set;

/** Field names of the state API's representations (SPEC §3), shared by the service and {@code SessionAuthFilter}. */
public final class StateFields {

    public static final String TOKEN = "xSessionToken";
    public static final String EXPIRES = "Expires";
    public static final String TTL = "Ttl";
    /** {@code GET /validate}'s answer: always true (an unknown token is a 401). */
    public static final String IS_VALID = "IsValid";
    /** {@code GET /validate} with {@link Headers#INCLUDE_SESSION}: the session's data. */
    public static final String SESSION = "Session";
    /** {@code DELETE /}'s answer. */
    public static final String DELETED = "Deleted";

    /** The fields the server owns in a session's representation; a client's values for them are never data. */
    public static final ServerFields SERVER_MANAGED = new ServerFields(TOKEN, Set.of(TOKEN, EXPIRES, TTL));

    private StateFields() {
    }
}
