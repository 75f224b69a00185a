package io.sessionservice.it;

import java.net.URI;

/** The container runs but the webapp did not start (e.g. the service refused its config). */
public class DeploymentFailedException extends Exception {

    private final URI baseUri;
    private final String state;

    public DeploymentFailedException(String message, URI baseUri, String state, Throwable cause) {
        super(message, cause);
        this.baseUri = baseUri;
        this.state = state;
    }

    /** Where the webapp would have answered; the container still listens there. */
    public URI baseUri() {
        return baseUri;
    }

    /** The container's own word for the webapp's state: Tomcat "FAILED", Jetty "UNAVAILABLE"/"FAILED". */
    public String state() {
        return state;
    }
}
