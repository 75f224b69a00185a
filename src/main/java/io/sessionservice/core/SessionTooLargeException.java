package io.sessionservice.core;

/** A write would make a session's data larger than maxSessionBytes (HTTP 413); nothing was changed. */
public final class SessionTooLargeException extends RuntimeException {

    public SessionTooLargeException(long maxBytes) {
        super("The session's data would exceed maxSessionBytes (" + maxBytes + " bytes); nothing was changed",
                null, false, false);
    }
}
