package io.sessionservice.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sessionservice.core.StoreUnavailableException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/** What operators call: health (store ping), Prometheus metrics, the OpenAPI document. */
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

    @GET
    @Path("health")
    @Produces(MediaType.APPLICATION_JSON)
    public Response health() {
        var body = JsonNodeFactory.instance.objectNode();
        try {
            runtime.store().ping();
            body.put("status", "UP");
        } catch (StoreUnavailableException e) {
            body.put("status", "DOWN");
        }
        body.put("store", runtime.config().storeType());
        return Response.status("UP".equals(body.get("status").asText()) ? 200 : 503).entity(body).build();
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
