package io.sessionservice.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.sessionservice.protocol.ErrorResponses;
import io.sessionservice.protocol.Headers;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.MatrixParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the OpenAPI document served at GET /openapi.yaml honest: by reflection over the JAX-RS
 * annotations of the resource classes, every resource method is documented under its path and
 * method, and the document lists nothing the code does not serve; the headers, query parameters,
 * bodies, media types and error dialects match the code.
 */
class OpenApiDocumentTest {

    static final List<Class<?>> RESOURCES = List.of(StateResource.class, UserSessionResource.class,
            OperationsResource.class, ConsoleResource.class);
    /** The resources for operators (no key, no store trouble documented): health, metrics, the console's files. */
    static final Set<Class<?>> OPERATIONS = Set.of(OperationsResource.class, ConsoleResource.class);
    static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    static final Set<String> PATH_ITEM_FIELDS = Set.of("$ref", "summary", "description", "servers", "parameters");

    static JsonNode doc;
    static List<Endpoint> endpoints;

    /** One resource method: the path and HTTP method it serves. */
    record Endpoint(String path, String method, Class<?> resource, Method javaMethod) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + path + " (" + resource.getSimpleName() + "." + javaMethod.getName() + ")";
        }

        String key() {
            return method + " " + path;
        }
    }

    @BeforeAll
    static void load() throws IOException {
        // Exactly what GET /openapi.yaml serves.
        try (InputStream in = new OperationsResource(null).openApi()) {
            assertNotNull(in, "openapi.yaml is on the classpath");
            doc = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        endpoints = RESOURCES.stream().flatMap(c -> endpointsOf(c).stream()).toList();
    }

    // ---- reflection over the resources ----

    static List<Endpoint> endpointsOf(Class<?> resource) {
        Path classPath = resource.getAnnotation(Path.class);
        assertNotNull(classPath, resource + " is a root resource");
        List<Endpoint> found = new ArrayList<>();
        for (Method m : resource.getMethods()) {
            String httpMethod = httpMethodOf(m);
            Path methodPath = m.getAnnotation(Path.class);
            if (httpMethod == null) {
                if (methodPath != null) {
                    fail("Sub-resource locator " + m + ": extend OpenApiDocumentTest to follow it");
                }
                continue;
            }
            found.add(new Endpoint(join(classPath.value(), methodPath == null ? "" : methodPath.value()),
                    httpMethod.toLowerCase(), resource, m));
        }
        return found;
    }

    static String httpMethodOf(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
            if (h != null) {
                return h.value();
            }
        }
        return null;
    }

    static String join(String classPath, String methodPath) {
        String joined = Arrays.stream((classPath + "/" + methodPath).split("/"))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.joining("/"));
        return "/" + joined;
    }

    // ---- document helpers ----

    static JsonNode operation(Endpoint e) {
        return doc.path("paths").path(e.path()).path(e.method());
    }

    /** Follows a local {@code $ref} (possibly several). */
    static JsonNode resolve(JsonNode node) {
        for (int i = 0; i < 10 && node.has("$ref"); i++) {
            String ref = node.get("$ref").asText();
            assertTrue(ref.startsWith("#/"), "local reference: " + ref);
            node = doc.at(ref.substring(1));
            assertFalse(node.isMissingNode(), "unresolved $ref " + ref);
        }
        return node;
    }

    static Iterable<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        return node::fields;
    }

    static List<JsonNode> parameters(Endpoint e) {
        List<JsonNode> all = new ArrayList<>();
        doc.path("paths").path(e.path()).path("parameters").forEach(p -> all.add(resolve(p)));
        operation(e).path("parameters").forEach(p -> all.add(resolve(p)));
        return all;
    }

    static Set<String> statuses(Endpoint e) {
        Set<String> s = new TreeSet<>();
        operation(e).path("responses").fieldNames().forEachRemaining(s::add);
        return s;
    }

    static JsonNode response(Endpoint e, String status) {
        return resolve(operation(e).path("responses").path(status));
    }

    static JsonNode security(Endpoint e) {
        JsonNode op = operation(e);
        return op.has("security") ? op.get("security") : doc.path("security");
    }

    /** Secured: some security requirement applies and none of the alternatives is the empty one. */
    static boolean secured(Endpoint e) {
        JsonNode security = security(e);
        if (!security.isArray() || security.isEmpty()) {
            return false;
        }
        for (JsonNode requirement : security) {
            if (requirement.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    static String baseType(String mediaType) {
        return mediaType.split(";")[0].trim().toLowerCase();
    }

    static Set<String> producesAll(Endpoint e) {
        produces(e);
        Produces p = e.javaMethod().getAnnotation(Produces.class);
        if (p == null) {
            p = e.resource().getAnnotation(Produces.class);
        }
        return Arrays.stream(p.value()).map(OpenApiDocumentTest::baseType).collect(Collectors.toSet());
    }

    static String produces(Endpoint e) {
        Produces p = e.javaMethod().getAnnotation(Produces.class);
        if (p == null) {
            p = e.resource().getAnnotation(Produces.class);
        }
        assertNotNull(p, e + " declares what it produces");
        return p.value()[0];
    }

    static boolean isEntity(Parameter p) {
        for (Class<? extends Annotation> a : List.of(HeaderParam.class, QueryParam.class, PathParam.class,
                CookieParam.class, FormParam.class, MatrixParam.class, BeanParam.class, Context.class)) {
            if (p.isAnnotationPresent(a)) {
                return false;
            }
        }
        return true;
    }

    static boolean isSuccess(String status) {
        return status.startsWith("2");
    }

    // ---- the document as a whole ----

    @Test
    void isAValidOpenApi303Document() throws IOException {
        assertEquals("3.0.3", doc.path("openapi").asText());
        assertFalse(doc.path("info").path("title").asText().isBlank());
        assertFalse(doc.path("info").path("version").asText().isBlank());

        JsonNode oasSchema;
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream("/openapi/oas-3.0-schema.json")) {
            oasSchema = new ObjectMapper().readTree(in);
        }
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(oasSchema);
        Set<ValidationMessage> errors = schema.validate(doc);
        assertTrue(errors.isEmpty(), "OpenAPI 3.0 schema violations: " + errors);
    }

    @Test
    void reflectionFindsTheEndpointsOfTheContract() {
        Set<String> expected = Set.of(
                "post /", "get /", "put /", "patch /", "delete /", "get /validate", "post /rotate",
                "post /create", "get /session", "get /sessions", "delete /sessions", "post /verify",
                "get /health", "get /health/live", "get /health/ready", "get /metrics", "get /openapi.yaml",
                "get /console", "get /console/{file}");
        Set<String> found = endpoints.stream().map(Endpoint::key).collect(Collectors.toSet());
        assertEquals(new TreeSet<>(expected), new TreeSet<>(found));
        assertEquals(found.size(), endpoints.size(), "no path and method is served twice: " + endpoints);
    }

    @Test
    void everyResourceMethodIsDocumentedUnderItsPathAndMethod() {
        List<String> missing = endpoints.stream()
                .filter(e -> !operation(e).isObject())
                .map(Endpoint::toString)
                .toList();
        assertTrue(missing.isEmpty(), "undocumented: " + missing);
    }

    @Test
    void theDocumentListsNothingTheCodeDoesNotServe() {
        Set<String> served = endpoints.stream().map(Endpoint::key).collect(Collectors.toSet());
        List<String> extra = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : fields(doc.path("paths"))) {
            for (Iterator<String> it = path.getValue().fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (HTTP_METHODS.contains(key)) {
                    if (!served.contains(key + " " + path.getKey())) {
                        extra.add(key.toUpperCase() + " " + path.getKey());
                    }
                } else if (!PATH_ITEM_FIELDS.contains(key)) {
                    extra.add("unknown field '" + key + "' under " + path.getKey());
                }
            }
        }
        assertTrue(extra.isEmpty(), "documented but not served: " + extra);
    }

    @Test
    void everyReferenceResolves() {
        List<String> broken = new ArrayList<>();
        walk(doc, node -> {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual()) {
                String r = ref.asText();
                if (!r.startsWith("#/") || doc.at(r.substring(1)).isMissingNode()) {
                    broken.add(r);
                }
            }
        });
        assertTrue(broken.isEmpty(), "unresolved: " + broken);
    }

    static void walk(JsonNode node, java.util.function.Consumer<JsonNode> visit) {
        if (node.isObject()) {
            visit.accept(node);
        }
        node.forEach(child -> walk(child, visit));
    }

    @Test
    void operationIdsAreUnique() {
        List<String> ids = endpoints.stream().map(e -> operation(e).path("operationId").asText()).toList();
        assertFalse(ids.contains(""), "every operation has an operationId");
        assertEquals(ids.size(), new HashSet<>(ids).size(), ids.toString());
    }

    // ---- responses ----

    @Test
    void everyOperationHasASuccessResponse() {
        List<String> without = endpoints.stream()
                .filter(e -> statuses(e).stream().noneMatch(OpenApiDocumentTest::isSuccess))
                .map(Endpoint::toString).toList();
        assertTrue(without.isEmpty(), "no 2xx: " + without);
    }

    @Test
    void everyResponseHasADescription() {
        for (Endpoint e : endpoints) {
            for (String status : statuses(e)) {
                assertTrue(response(e, status).path("description").isTextual(), e + " " + status);
            }
        }
    }

    @Test
    void securedOperationsAnswer401() {
        List<String> without = endpoints.stream()
                .filter(OpenApiDocumentTest::secured)
                .filter(e -> !statuses(e).contains("401"))
                .map(Endpoint::toString).toList();
        assertTrue(without.isEmpty(), "secured without a 401: " + without);
    }

    @Test
    void sessionApisAreSecuredAndOperationsEndpointsAreNot() {
        for (Endpoint e : endpoints) {
            assertEquals(!OPERATIONS.contains(e.resource()), secured(e), e.toString());
        }
    }

    @Test
    void securitySchemesAreTheTwoHeaders() {
        JsonNode schemes = doc.path("components").path("securitySchemes");
        assertEquals("apiKey", schemes.path("xKey").path("type").asText());
        assertEquals("header", schemes.path("xKey").path("in").asText());
        assertEquals(Headers.KEY, schemes.path("xKey").path("name").asText());
        assertEquals("apiKey", schemes.path("sessionToken").path("type").asText());
        assertEquals("header", schemes.path("sessionToken").path("in").asText());
        assertEquals(Headers.SESSION_TOKEN, schemes.path("sessionToken").path("name").asText());
        for (Endpoint e : endpoints) {
            for (JsonNode requirement : security(e)) {
                requirement.fieldNames().forEachRemaining(name ->
                        assertTrue(schemes.has(name), e + " uses an undefined security scheme " + name));
            }
        }
    }

    /** Each operation's security scheme is the header the resource method actually reads. */
    @Test
    void securitySchemesMatchTheHeadersTheCodeReads() {
        Map<String, String> schemeHeader = Map.of("xKey", Headers.KEY,
                "sessionToken", Headers.SESSION_TOKEN);
        for (Endpoint e : endpoints) {
            Set<String> read = headersRead(e);
            for (JsonNode requirement : security(e)) {
                requirement.fieldNames().forEachRemaining(name ->
                        assertTrue(read.contains(schemeHeader.get(name)), e + " does not read " + schemeHeader.get(name)));
            }
        }
    }

    static Set<String> headersRead(Endpoint e) {
        Set<String> read = new HashSet<>();
        for (Parameter p : e.javaMethod().getParameters()) {
            HeaderParam h = p.getAnnotation(HeaderParam.class);
            if (h != null) {
                read.add(h.value().toLowerCase());
            }
        }
        return read;
    }

    @Test
    void sessionOperationsDocumentStoreTroubleWithRetryAfter() {
        for (Endpoint e : endpoints) {
            if (OPERATIONS.contains(e.resource())) {
                continue;
            }
            assertTrue(statuses(e).contains("503"), e + " documents 503");
            JsonNode headers = response(e, "503").path("headers");
            assertTrue(headers.has("Retry-After"), e + " 503 carries Retry-After");
            JsonNode schema = resolve(resolve(headers.get("Retry-After")).path("schema"));
            assertEquals("integer", schema.path("type").asText());
        }
    }

    @Test
    void healthDocumentsUpAndDown() {
        Endpoint health = endpoints.stream().filter(e -> e.key().equals("get /health")).findFirst().orElseThrow();
        assertTrue(statuses(health).containsAll(Set.of("200", "503")));
    }

    /** ErrorMapper answers in the dialect of the matched resource class. */
    @Test
    void errorResponsesUseTheirApisDialect() {
        for (Endpoint e : endpoints) {
            if (OPERATIONS.contains(e.resource())) {
                continue;
            }
            for (String status : statuses(e)) {
                if (isSuccess(status)) {
                    continue;
                }
                JsonNode content = response(e, status).path("content");
                assertTrue(content.has("application/json"), e + " " + status + " is JSON");
                String schema = content.path("application/json").path("schema").path("$ref").asText();
                String expected;
                if (e.resource() == UserSessionResource.class) {
                    expected = "#/components/schemas/UserError";
                } else if (e.key().equals("delete /") && status.equals("404")) {
                    expected = "#/components/schemas/DeleteResult";
                } else {
                    expected = "#/components/schemas/StateError";
                }
                assertEquals(expected, schema, e + " " + status);
            }
        }
    }

    @Test
    void stateErrorCodesAreExactlyThoseErrorResponsesProduces() {
        Set<String> produced = IntStream.range(400, 600).mapToObj(ErrorResponses::codeFor)
                .collect(Collectors.toCollection(TreeSet::new));
        JsonNode enumNode = resolve(doc.at("/components/schemas/StateError")).path("properties").path("code").path("enum");
        Set<String> documented = StreamSupport.stream(enumNode.spliterator(), false).map(JsonNode::asText)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(produced, documented);
        for (String spec : List.of("BadRequestError", "UnauthorizedError", "NotFoundError", "ConflictError",
                "PayloadTooLargeError", "UnsupportedMediaTypeError", "ServiceUnavailableError", "InternalError")) {
            assertTrue(documented.contains(spec), "SPEC §3 code " + spec);
        }
    }

    @Test
    void stateErrorStatusesCarryTheirCodeInTheExamples() {
        for (Endpoint e : endpoints) {
            if (e.resource() != StateResource.class) {
                continue;
            }
            for (String status : statuses(e)) {
                JsonNode json = response(e, status).path("content").path("application/json");
                List<JsonNode> examples = new ArrayList<>();
                if (json.has("example")) {
                    examples.add(json.get("example"));
                }
                json.path("examples").forEach(x -> examples.add(resolve(x).path("value")));
                for (JsonNode example : examples) {
                    if (example.has("code")) {
                        assertEquals(ErrorResponses.codeFor(Integer.parseInt(status)), example.get("code").asText(),
                                e + " " + status);
                    }
                }
            }
        }
    }

    @Test
    void successMediaTypesAreWhatTheMethodsProduce() {
        for (Endpoint e : endpoints) {
            for (String status : statuses(e)) {
                if (!isSuccess(status)) {
                    continue;
                }
                JsonNode content = response(e, status).path("content");
                assertFalse(content.isEmpty(), e + " " + status + " documents its content");
                for (Iterator<String> it = content.fieldNames(); it.hasNext(); ) {
                    String type = it.next();
                    // a method that serves several types (the console's files) documents each of them
                    assertTrue(producesAll(e).contains(baseType(type)), e + " " + status + ": " + type);
                }
            }
        }
    }

    // ---- inputs ----

    @Test
    void headerAndQueryParametersAreExactlyThoseTheMethodsRead() {
        for (Endpoint e : endpoints) {
            Set<String> read = new TreeSet<>();
            for (Parameter p : e.javaMethod().getParameters()) {
                HeaderParam h = p.getAnnotation(HeaderParam.class);
                QueryParam q = p.getAnnotation(QueryParam.class);
                PathParam pp = p.getAnnotation(PathParam.class);
                if (h != null) {
                    read.add("header " + h.value().toLowerCase());
                }
                if (q != null) {
                    read.add("query " + q.value());
                }
                if (pp != null) {
                    read.add("path " + pp.value());
                }
            }
            Set<String> documented = new TreeSet<>();
            for (JsonNode p : parameters(e)) {
                String in = p.path("in").asText();
                String name = p.path("name").asText();
                documented.add(in + " " + (in.equals("header") ? name.toLowerCase() : name));
            }
            assertEquals(read, documented, e.toString());
        }
    }

    @Test
    void theDocumentedHeadersAreNamedAsTheSpecSays() {
        Set<String> headers = new TreeSet<>();
        for (Endpoint e : endpoints) {
            parameters(e).stream().filter(p -> p.path("in").asText().equals("header"))
                    .forEach(p -> headers.add(p.path("name").asText()));
        }
        // x-include-session: the opt-in extension of GET /validate that SessionAuthFilter's remote mode uses.
        // x-max-lifetime: issue 13's per-session lifetime cap on POST /.
        assertEquals(new TreeSet<>(Set.of("x-key", "x-session-token", "x-ttl", "x-include-session", "x-max-lifetime")),
                headers);
    }

    @Test
    void requestBodiesAreDocumentedExactlyWhereTheMethodReadsOne() {
        for (Endpoint e : endpoints) {
            boolean readsBody = Arrays.stream(e.javaMethod().getParameters()).anyMatch(OpenApiDocumentTest::isEntity);
            JsonNode body = resolve(operation(e).path("requestBody"));
            assertEquals(readsBody, !body.isMissingNode(), e + " request body");
            if (readsBody) {
                assertTrue(body.path("content").has("application/json"), e + " takes JSON");
                assertTrue(statuses(e).containsAll(Set.of("400", "413", "415")), e + " documents 400, 413, 415");
            }
        }
    }

    @Test
    void bodyIsOptionalOnlyForPostRoot() {
        for (Endpoint e : endpoints) {
            JsonNode body = resolve(operation(e).path("requestBody"));
            if (!body.isMissingNode()) {
                assertEquals(!e.key().equals("post /"), body.path("required").asBoolean(false), e.toString());
            }
        }
    }

    @Test
    void userIdQueryParameterIsRequired() {
        for (Endpoint e : endpoints) {
            for (JsonNode p : parameters(e)) {
                if (p.path("in").asText().equals("query") && p.path("name").asText().equals("user_id")) {
                    assertTrue(p.path("required").asBoolean(), e.toString());
                    assertTrue(statuses(e).contains("400"), e + " answers 400 without user_id");
                }
            }
        }
    }

    // ---- representations ----

    @Test
    void representationsHaveTheSpecsFields() {
        JsonNode schemas = doc.path("components").path("schemas");
        assertEquals(Set.of("user_id", "token", "ttl", "created_at", "expired_at"),
                names(schemas.path("UserSession").path("properties")));
        // Session: only with x-include-session (SessionAuthFilter's remote mode); the spec's three stay required.
        assertEquals(Set.of("IsValid", "Expires", "Ttl", "Session"), names(schemas.path("Validation").path("properties")));
        Set<String> required = new TreeSet<>();
        schemas.path("Validation").path("required").forEach(n -> required.add(n.asText()));
        assertEquals(Set.of("IsValid", "Expires", "Ttl"), required);
        assertEquals(Set.of("code", "message"), names(schemas.path("StateError").path("properties")));
        assertEquals(Set.of("success", "message"), names(schemas.path("UserError").path("properties")));
        assertTrue(names(schemas.path("StateSession").path("properties")).containsAll(Set.of("xSessionToken", "Expires", "Ttl")));
        assertTrue(schemas.path("StateSession").path("additionalProperties").asBoolean(), "data fields are free-form");
        for (String envelope : List.of("UserSessionEnvelope", "CountEnvelope", "VerifyEnvelope")) {
            assertEquals(Set.of("success", "message"), names(schemas.path(envelope).path("properties")), envelope);
        }
        // SPEC §5: GET /sessions is paged; the next page's cursor is there only while one follows.
        JsonNode list = schemas.path("UserSessionListEnvelope");
        assertEquals(Set.of("success", "message", "cursor"), names(list.path("properties")));
        Set<String> listRequired = new TreeSet<>();
        list.path("required").forEach(n -> listRequired.add(n.asText()));
        assertEquals(Set.of("success", "message"), listRequired);
        assertEquals(Set.of("true", "false"), StreamSupport.stream(
                schemas.path("VerifyEnvelope").path("properties").path("message").path("enum").spliterator(), false)
                .map(JsonNode::asText).collect(Collectors.toSet()));
    }

    static Set<String> names(JsonNode object) {
        Set<String> names = new LinkedHashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void resourceMethodsArePublicInstanceMethods() {
        for (Endpoint e : endpoints) {
            assertFalse(Modifier.isStatic(e.javaMethod().getModifiers()), e.toString());
        }
    }
}
