package io.sessionservice.core;

/** A client-supplied token already names a live session: a 409. */
public class TokenConflictException extends ConflictException {
    public TokenConflictException() {
        super("A live session already has this token");
    }
}
