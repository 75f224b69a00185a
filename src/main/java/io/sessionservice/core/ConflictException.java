package io.sessionservice.core;

/** The request conflicts with the sessions that exist (HTTP 409); nothing was changed. */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message, null, false, false);
    }
}
