package io.sessionservice.it;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A servlet container running inside the test JVM that deploys one WAR file, the way an operator
 * would: the real {@code session-service.war}, not the classes on the test classpath.
 *
 * <p>Both implementations bind 127.0.0.1 on an ephemeral port (several builds share the machine) and
 * give the webapp a parent class loader that exposes only the Servlet API and the container itself
 * ({@link ContainerClassLoader}), so the webapp runs on the jars in its {@code WEB-INF/lib} exactly as
 * in a standalone Tomcat or Jetty, whatever else the test classpath holds.
 *
 * <p>One instance deploys one WAR once; {@link #close()} stops the container and deletes its files.
 */
public interface EmbeddedContainer extends AutoCloseable {

    /** Context parameter through which the webapp finds its config file (SPEC §7). */
    String CONFIG_PARAMETER = "session.config";

    /** For messages: "Tomcat 10.1.59", "Jetty 12.1.12 (ee10)". */
    String name();

    /**
     * Starts the container and deploys {@code war} at {@code contextPath} ({@code ""} or {@code "/"} for
     * the root, else {@code "/name"}) with these servlet context init parameters.
     *
     * @return the webapp's base URI, ending in {@code /}; resolve API paths against it
     * @throws DeploymentFailedException when the webapp did not start; the container keeps serving
     *                                   (so a test can probe {@link DeploymentFailedException#baseUri()})
     *                                   until {@link #close()}
     */
    URI deploy(Path war, String contextPath, Map<String, String> contextParameters) throws Exception;

    /** Stops the container and removes its working files. Safe to call after a failed deploy. */
    @Override
    void close() throws Exception;

    /** The WAR that {@code mvn verify} built: system property {@code session.war} (set by failsafe). */
    static Path builtWar() {
        String property = System.getProperty("session.war");
        Path war = Path.of(property != null ? property : "target/session-service.war").toAbsolutePath();
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("No WAR at " + war + ": run the ITs through `mvn verify` "
                    + "(failsafe sets -Dsession.war) or build the WAR first with `mvn package`");
        }
        return war;
    }

    /** "" for the root context, else "/name" without a trailing slash. */
    static String normalizeContextPath(String contextPath) {
        if (contextPath == null || contextPath.isEmpty() || contextPath.equals("/")) {
            return "";
        }
        String p = contextPath.startsWith("/") ? contextPath : "/" + contextPath;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    static URI baseUri(int port, String normalizedContextPath) {
        return URI.create("http://127.0.0.1:" + port + normalizedContextPath + "/");
    }
}
