package io.sessionservice.core;

/** A write with only a session token tried to change or remove the session's owner (HTTP 403). */
public final class OwnerChangeForbiddenException extends RuntimeException {

    public OwnerChangeForbiddenException() {
        super("AccountId is set when the session is created; a request without x-key may not change or remove it",
                null, false, false);
    }
}
