package io.sessionservice.it;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A servlet container running inside the test JVM that deploys webapps the way an operator would: the
 * real {@code session-service.war}, not the classes on the test classpath, and beside it, when a test
 * asks, other webapps (WAR files or unpacked directories) and jars on the container's shared class path.
 *
 * <p>Both implementations bind 127.0.0.1, on an ephemeral port unless the test picks one (several builds
 * share the machine), and give every webapp a parent class loader that exposes only the Servlet API and
 * the container itself ({@link ContainerClassLoader}), plus the shared jars, so a webapp runs on the jars
 * in its {@code WEB-INF/lib} exactly as in a standalone Tomcat or Jetty, whatever else the test classpath
 * holds.
 *
 * <p>One instance starts once: either {@link #deploy} (one WAR) or {@link #addWebapp} calls then
 * {@link #start()}. {@link #close()} stops the container and deletes its files.
 */
public interface EmbeddedContainer extends AutoCloseable {

    /** Context parameter through which the webapp finds its config file (SPEC §7). */
    String CONFIG_PARAMETER = "session.config";

    /** For messages: "Tomcat 10.1.59", "Jetty 12.1.12 (ee10)". */
    String name();

    /** Binds this port instead of an ephemeral one, for webapps that must know a URL before the start. */
    EmbeddedContainer port(int port);

    /**
     * Puts these jars on the container's shared class path (Tomcat's {@code lib/}, Jetty's
     * {@code lib/ext}): a loader over them is the parent of every webapp's loader.
     */
    EmbeddedContainer sharedJars(List<Path> jars);

    /**
     * Adds a webapp to start with the container: a WAR file or an unpacked webapp directory at
     * {@code contextPath} ({@code ""} or {@code "/"} for the root, else {@code "/name"}) with these
     * servlet context init parameters.
     */
    EmbeddedContainer addWebapp(Path warOrDirectory, String contextPath, Map<String, String> contextParameters);

    /** Starts the container and the webapps added. A webapp that fails to start does not stop the others. */
    void start() throws Exception;

    /**
     * The base URI of a webapp that started, ending in {@code /}; resolve paths against it.
     *
     * @throws DeploymentFailedException when that webapp did not start; the container keeps serving
     *                                   (so a test can probe {@link DeploymentFailedException#baseUri()})
     *                                   until {@link #close()}
     */
    URI baseUri(String contextPath) throws DeploymentFailedException;

    /** The class loader of a started webapp (for leak tests: hold it only through a WeakReference). */
    ClassLoader webappClassLoader(String contextPath);

    /** Starts the container with this one WAR: {@link #addWebapp}, {@link #start()}, {@link #baseUri}. */
    default URI deploy(Path war, String contextPath, Map<String, String> contextParameters) throws Exception {
        addWebapp(war, contextPath, contextParameters);
        start();
        return baseUri(contextPath);
    }

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
}
