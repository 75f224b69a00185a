package io.sessionservice.http;

import jakarta.ws.rs.core.Response.Status;

/** An error answer of either API; {@link ErrorResponses} renders it in the caller's dialect. */
public class ApiException extends RuntimeException {

    private final int status;

    public ApiException(Status status, String message) {
        this(status.getStatusCode(), message);
    }

    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
