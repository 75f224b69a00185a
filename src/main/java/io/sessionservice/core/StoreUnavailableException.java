package io.sessionservice.core;

/** The store did not answer (down, unreachable or timed out): callers answer 503, never 401/500. */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
