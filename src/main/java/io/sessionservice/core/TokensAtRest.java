package io.sessionservice.core;

import java.util.HexFormat;
import java.util.Locale;

/**
 * How a token is kept in the store (config {@code tokens.atRest}). {@link #HASHED} keeps only its
 * SHA-256, so that a store dump, a backup or Redis {@code MONITOR} shows no token a client could
 * present. The service turns every token into its {@link #storageKey} before it reaches a store, so
 * the stores stay unaware of the choice.
 */
public enum TokensAtRest {

    /** The token itself names the session in the store (the default, as before). */
    PLAIN,
    /** The token's SHA-256 (64 lowercase hex digits) names the session in the store. */
    HASHED;

    private static final HexFormat HEX = HexFormat.of();

    /** What the store keeps in the token's place: keys, documents and user indexes. */
    public String storageKey(String token) {
        return this == PLAIN ? token : HEX.formatHex(Digests.sha256(token));
    }

    /** Whether a session read from the store carries the token a client presents (false: only its digest). */
    public boolean keepsTokens() {
        return this == PLAIN;
    }

    /** The config value: {@code plain} or {@code hashed}, any case. */
    public static TokensAtRest parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "plain" -> PLAIN;
            case "hashed" -> HASHED;
            default -> throw new IllegalArgumentException("tokens.atRest must be \"plain\" or \"hashed\", not \"" + value + "\"");
        };
    }
}
