package io.sessionservice.it;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;
import org.apache.tomcat.util.scan.StandardJarScanner;

/** Embedded Tomcat 10.1 deploying the WAR file (unpacked into a temporary base directory). */
public final class TomcatContainer implements EmbeddedContainer {

    /** Tomcat logs through JUL at INFO; keep its start/stop chatter out of the build log (strong refs). */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("org.apache.catalina"),
            Logger.getLogger("org.apache.coyote"), Logger.getLogger("org.apache.tomcat"));

    static {
        QUIET.forEach(l -> l.setLevel(Level.WARNING));
    }

    /** JVM-wide properties that embedded Tomcat sets from the first instance's base directory. */
    private static final List<String> GLOBAL_PROPERTIES = List.of("catalina.home", "catalina.base");

    private final Map<String, String> savedProperties = new HashMap<>();
    private Path baseDir;
    private Tomcat tomcat;
    private Context context;

    @Override
    public String name() {
        return ServerInfo.getServerInfo();
    }

    @Override
    public URI deploy(Path war, String contextPath, Map<String, String> contextParameters) throws Exception {
        if (tomcat != null) {
            throw new IllegalStateException("This container already deployed a WAR");
        }
        String path = EmbeddedContainer.normalizeContextPath(contextPath);
        baseDir = Files.createTempDirectory("session-it-tomcat-");
        GLOBAL_PROPERTIES.forEach(p -> savedProperties.put(p, System.getProperty(p)));
        Files.createDirectories(baseDir.resolve("webapps")); // the host's appBase: WARs unpack there

        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        // No Jasper on the class path: without this Tomcat adds its default web.xml's JSP servlet and fails on it.
        tomcat.setAddDefaultWebXmlToWebapp(false);

        context = tomcat.addWebapp(path, war.toAbsolutePath().toString());
        context.setParentClassLoader(ContainerClassLoader.forTomcat());
        if (context instanceof StandardContext standard) {
            // These leak checks need --add-opens on the test JVM and only warn without them; the JVM ends anyway.
            standard.setClearReferencesObjectStreamClassCaches(false);
            standard.setClearReferencesRmiTargets(false);
            standard.setClearReferencesThreadLocals(false);
        }
        contextParameters.forEach(context::addParameter);
        if (context.getJarScanner() instanceof StandardJarScanner scanner) {
            scanner.setScanClassPath(false); // nothing to find outside WEB-INF/lib; saves time
            scanner.setScanManifest(false);
        }

        // A context that fails to start goes to FAILED and Tomcat then stops it (ending in STOPPED),
        // firing before_stop while still FAILED: that is the moment to see the failure.
        AtomicBoolean failed = new AtomicBoolean();
        context.addLifecycleListener(event -> {
            if (Lifecycle.BEFORE_STOP_EVENT.equals(event.getType())
                    && event.getLifecycle().getState() == LifecycleState.FAILED) {
                failed.set(true);
            }
        });

        tomcat.start(); // a webapp that fails to start does not make this throw: check its state
        URI base = EmbeddedContainer.baseUri(tomcat.getConnector().getLocalPort(), path);
        if (failed.get() || context.getState() != LifecycleState.STARTED) {
            String state = failed.get() ? LifecycleState.FAILED.name() : context.getState().name();
            throw new DeploymentFailedException(name() + " did not start " + war.getFileName() + " at '" + path
                    + "': context state " + state + " (now " + context.getState() + ")", base, state, null);
        }
        return base;
    }

    @Override
    public void close() throws Exception {
        try {
            if (tomcat != null) {
                tomcat.stop();
                tomcat.destroy();
            }
        } finally {
            // Else the next Tomcat in this JVM takes this one's (deleted) base dir as its home and recreates it.
            savedProperties.forEach((p, v) -> {
                if (v == null) {
                    System.clearProperty(p);
                } else {
                    System.setProperty(p, v);
                }
            });
            TempFiles.deleteRecursively(baseDir);
        }
    }
}
