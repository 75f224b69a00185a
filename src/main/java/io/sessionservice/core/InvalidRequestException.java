package io.sessionservice.core;

/** Input that breaks a session rule (token format, TTL, timestamps, body shape): a 400. */
public class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message, null, false, false);
    }
}
