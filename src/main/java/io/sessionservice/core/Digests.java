package io.sessionservice.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The digests the service takes of text (UTF-8): SHA-256 for keys and tags, SHA-1 where Redis wants it. */
public final class Digests {

    private Digests() {
    }

    public static byte[] sha256(String text) {
        return digest("SHA-256", text);
    }

    /** Redis names a cached script by the SHA-1 of its text (EVALSHA). */
    public static byte[] sha1(String text) {
        return digest("SHA-1", text);
    }

    private static byte[] digest(String algorithm, String text) {
        try {
            return MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }
}
