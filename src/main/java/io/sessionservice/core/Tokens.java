package io.sessionservice.core;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Session token rules: how tokens are issued, which supplied ones are accepted, how they are logged. */
public final class Tokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();
    private static final int MIN_SUPPLIED = 16;
    private static final int MAX_SUPPLIED = 256;

    private Tokens() {
    }

    /** A new token: 256 bits from SecureRandom, URL-safe base64 without padding (43 characters). */
    public static String issue() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return URL_SAFE.encodeToString(bytes);
    }

    /** Whether a client may name a session with this token: 16 to 256 of [A-Za-z0-9._~-]. */
    public static boolean isWellFormed(String token) {
        // A loop rather than a regex: every token-addressed request runs this (JFR showed the matcher).
        if (token == null || token.length() < MIN_SUPPLIED || token.length() > MAX_SUPPLIED) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '~' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** A short, non-reversible tag for logs, so a token can be correlated without being revealed. */
    public static String fingerprint(String secret) {
        if (secret == null) {
            return "none";
        }
        return "sha256:" + fingerprintHex(secret, 8);
    }

    /**
     * The first {@code hexDigits} (even, at most 64) lowercase hex digits of the secret's SHA-256: with
     * tokens.atRest hashed, also the start of the key the store keeps the session under.
     */
    public static String fingerprintHex(String secret, int hexDigits) {
        return HexFormat.of().formatHex(Digests.sha256(secret), 0, hexDigits / 2);
    }
}
