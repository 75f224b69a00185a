package io.sessionservice.protocol;

/** The request headers of the wire protocol (SPEC §3, §4), for the service and {@code SessionAuthFilter} alike. */
public final class Headers {

    /** The state API's session token; also what {@code SessionAuthFilter} reads by default. */
    public static final String SESSION_TOKEN = "x-session-token";
    /** The backend credential. */
    public static final String KEY = "x-key";
    /** The state API's requested TTL on create: whole seconds. */
    public static final String TTL = "x-ttl";
    /** The state API's per-session lifetime cap on create: whole seconds, at most maxLifetimeSec. */
    public static final String MAX_LIFETIME = "x-max-lifetime";
    /** {@code true} on {@code GET /validate} adds the session's data as {@link StateFields#SESSION}. */
    public static final String INCLUDE_SESSION = "x-include-session";

    private Headers() {
    }
}
