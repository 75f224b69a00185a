package io.sessionservice.http;

import io.sessionservice.core.InvalidRequestException;
import io.sessionservice.protocol.Headers;

/** The x-ttl header's syntax: whole seconds (the service checks the range, 1..maxTtlSec). */
final class TtlHeader {

    private TtlHeader() {
    }

    /** Seconds, or null when the header is absent. */
    static Long seconds(String header) {
        return seconds(Headers.TTL, header);
    }

    /** The whole seconds of header {@code name} (x-ttl, x-max-lifetime), or null when it is absent. */
    static Long seconds(String name, String header) {
        if (header == null) {
            return null;
        }
        String s = header.trim();
        if (!s.matches("\\d{1,12}")) {
            throw new InvalidRequestException(name + " must be a whole number of seconds");
        }
        return Long.parseLong(s);
    }
}
