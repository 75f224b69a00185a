package io.sessionservice.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.protocol.ErrorResponses;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/** What operators call: health (liveness, readiness: store ping), Prometheus metrics, the OpenAPI document. */
// One instance for the webapp: a per-request resource (JAX-RS default) cost an HK2 creation and injection
// on every request in JFR profiles. Per-request values (HttpHeaders) arrive through Jersey's proxies.
@Singleton
@Path("/")
public class OperationsResource {

    private final ServiceRuntime runtime;

    @Inject
    public OperationsResource(ServiceRuntime runtime) {
        this.runtime = runtime;
    }

    /** Whether the store answers (a ping, bounded by the store's timeout): the readiness figure. */
    @GET
    @Path("health")
    @Produces(MediaType.APPLICATION_JSON)
    public Response health() {
        return ready();
    }

    /** Readiness: 200 while the store answers within its timeout, else 503 (the instance should get no traffic). */
    @GET
    @Path("health/ready")
    @Produces(MediaType.APPLICATION_JSON)
    public Response ready() {
        var body = JsonNodeFactory.instance.objectNode();
        boolean up;
        try {
            runtime.store().ping();
            up = true;
        } catch (StoreUnavailableException e) {
            up = false;
        }
        body.put("status", up ? "UP" : "DOWN");
        body.put("store", runtime.config().storeType());
        Response.ResponseBuilder r = Response.status(up ? 200 : 503).entity(body);
        if (!up) {
            r.header("Retry-After", ErrorResponses.RETRY_AFTER_SECONDS);
        }
        return r.build();
    }

    /**
     * Liveness: 200 while the webapp serves requests. Never touches the store: a store outage must not
     * have Kubernetes restart every instance (a restart does not bring the store back).
     */
    @GET
    @Path("health/live")
    @Produces(MediaType.APPLICATION_JSON)
    public Response live() {
        return Response.ok(JsonNodeFactory.instance.objectNode().put("status", "UP")).build();
    }

    @GET
    @Path("metrics")
    @Produces("text/plain; version=0.0.4; charset=utf-8")
    public String metrics() {
        return runtime.metrics().scrape();
    }

    @GET
    @Path("openapi.yaml")
    @Produces("application/yaml")
    public InputStream openApi() {
        return OperationsResource.class.getResourceAsStream("/io/sessionservice/openapi.yaml");
    }
}
