package io.sessionservice.http;

import io.sessionservice.core.Digests;
import io.sessionservice.protocol.ErrorResponses;
import io.sessionservice.protocol.Headers;
import java.security.MessageDigest;
import java.util.List;

/**
 * The configured {@code x-key} values. Keys are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, so neither content nor length leaks through timing; several keys
 * may be live at once for rotation.
 */
public final class Credentials {

    private final List<byte[]> digests;

    public Credentials(List<String> keys) {
        this.digests = keys.stream().map(Digests::sha256).toList();
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    /** @throws Refused 401 unless {@code presented} is one of the keys */
    public void check(String presented) {
        if (!accepts(presented)) {
            throw new Refused(presented == null);
        }
    }

    /** A missing or wrong x-key: a 401, and a line in the audit log (see {@link ErrorMapper}). */
    public static final class Refused extends ApiException {

        private final boolean missing;

        Refused(boolean missing) {
            super(401, missing ? ErrorResponses.headerMissing(Headers.KEY) : "Invalid " + Headers.KEY);
            this.missing = missing;
        }

        /** Whether no x-key came at all (else a wrong one did). */
        public boolean missing() {
            return missing;
        }
    }

    public boolean accepts(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] candidate = Digests.sha256(presented);
        boolean match = false;
        for (byte[] digest : digests) {
            match |= MessageDigest.isEqual(digest, candidate); // no early exit: try every key
        }
        return match;
    }

}
