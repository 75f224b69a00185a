package io.sessionservice.it;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Valve;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.core.ContainerBase;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;
import org.apache.tomcat.util.IntrospectionUtils;
import org.apache.tomcat.util.scan.StandardJarScanner;

/** Embedded Tomcat 10.1 deploying WAR files (unpacked into a temporary base directory) and webapp directories. */
public final class TomcatContainer extends AbstractEmbeddedContainer {

    /** Tomcat logs through JUL at INFO; keep its start/stop chatter out of the build log (strong refs). */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("org.apache.catalina"),
            Logger.getLogger("org.apache.coyote"), Logger.getLogger("org.apache.tomcat"));

    static {
        QUIET.forEach(l -> l.setLevel(Level.WARNING));
    }

    /** JVM-wide properties that embedded Tomcat sets from the first instance's base directory. */
    private static final List<String> GLOBAL_PROPERTIES = List.of("catalina.home", "catalina.base");

    /** Parent of the loggers a context logs its start failures to (with the exception). */
    private static final Logger CONTAINER_LOG = Logger.getLogger(ContainerBase.class.getName());
    /** Where a webapp's class loader, at stop, warns of threads and references the webapp left behind. */
    private static final Logger LOADER_LOG = Logger.getLogger("org.apache.catalina.loader");

    private final Map<String, String> savedProperties = new HashMap<>();
    private final Map<Webapp, Context> contexts = new HashMap<>();
    private final Set<Webapp> failedContexts = ConcurrentHashMap.newKeySet();
    private final LogCollector startErrors = new LogCollector(Level.SEVERE);
    private final LogCollector stopWarnings = new LogCollector(Level.WARNING);
    private Path baseDir;
    private Tomcat tomcat;

    @Override
    public String name() {
        return ServerInfo.getServerInfo();
    }

    @Override
    protected ClassLoader containerLoader() {
        return ContainerClassLoader.forTomcat();
    }

    @Override
    protected int startContainer(List<Webapp> webapps, ClassLoader parentLoader, int port) throws Exception {
        baseDir = Files.createTempDirectory("session-it-tomcat-");
        GLOBAL_PROPERTIES.forEach(p -> savedProperties.put(p, System.getProperty(p)));
        Files.createDirectories(baseDir.resolve("webapps")); // the host's appBase: WARs unpack there

        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        // No Jasper on the class path: without this Tomcat adds its default web.xml's JSP servlet and fails on it.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        addErrorReportValve((StandardHost) tomcat.getHost());
        for (Webapp w : webapps) {
            contexts.put(w, addContext(w, parentLoader));
        }
        CONTAINER_LOG.addHandler(startErrors);
        try {
            tomcat.start(); // a webapp that fails to start does not make this throw: see failureOf
        } finally {
            CONTAINER_LOG.removeHandler(startErrors);
        }
        return tomcat.getConnector().getLocalPort();
    }

    /** Tomcat's own errors as JSON, with the valve and settings tomcat-conf/error-report-valve.xml ships. */
    private static void addErrorReportValve(StandardHost host) throws ReflectiveOperationException {
        Map<String, String> attributes = ShippedConf.tomcatErrorValve();
        String className = attributes.get("className");
        host.setErrorReportValveClass(className);
        Valve valve = (Valve) Class.forName(className).getDeclaredConstructor().newInstance();
        attributes.forEach((name, value) -> {
            if (!name.equals("className") && !IntrospectionUtils.setProperty(valve, name, value)) {
                throw new IllegalStateException(className + " has no property " + name);
            }
        });
        host.getPipeline().addValve(valve);
    }

    private Context addContext(Webapp w, ClassLoader parentLoader) {
        Context context = tomcat.addWebapp(w.contextPath(), w.source().toString());
        context.setParentClassLoader(parentLoader);
        if (context instanceof StandardContext standard) {
            // These leak checks need --add-opens on the test JVM and only warn without them; the JVM ends anyway.
            standard.setClearReferencesObjectStreamClassCaches(false);
            standard.setClearReferencesRmiTargets(false);
            standard.setClearReferencesThreadLocals(false);
        }
        w.contextParameters().forEach(context::addParameter);
        if (context.getJarScanner() instanceof StandardJarScanner scanner) {
            scanner.setScanClassPath(false); // nothing to find outside WEB-INF/lib; saves time
            scanner.setScanManifest(false);
        }
        // A context that fails to start goes to FAILED and Tomcat then stops it (ending in STOPPED),
        // firing before_stop while still FAILED: that is the moment to see the failure.
        context.addLifecycleListener(event -> {
            if (Lifecycle.BEFORE_STOP_EVENT.equals(event.getType())
                    && event.getLifecycle().getState() == LifecycleState.FAILED) {
                failedContexts.add(w);
            }
        });
        return context;
    }

    @Override
    protected DeploymentFailedException failureOf(Webapp w, URI baseUri) {
        Context context = contexts.get(w);
        if (!failedContexts.contains(w) && context.getState() == LifecycleState.STARTED) {
            return null;
        }
        String state = failedContexts.contains(w) ? LifecycleState.FAILED.name() : context.getState().name();
        // The context logged why (a listener or filter that threw) to its own logger, ContainerBase.[…].[/path].
        String logName = ".[" + (w.contextPath().isEmpty() ? "/" : w.contextPath()) + "]";
        Throwable cause = startErrors.records.stream()
                .filter(r -> r.getLoggerName().endsWith(logName) && r.getThrown() != null)
                .map(LogRecord::getThrown).findFirst().orElse(null);
        return failure(w, baseUri, state, "context state " + state + " (now " + context.getState() + ")"
                + (cause == null ? "" : " (" + cause + ")"), cause);
    }

    @Override
    public ClassLoader webappClassLoader(String contextPath) {
        String path = normalizeContextPath(contextPath);
        return contexts.entrySet().stream().filter(e -> e.getKey().contextPath().equals(path))
                .map(e -> e.getValue().getLoader().getClassLoader()).findFirst().orElseThrow();
    }

    @Override
    protected void stopContainer() throws Exception {
        try {
            if (tomcat != null) {
                LOADER_LOG.addHandler(stopWarnings);
                try {
                    tomcat.stop();
                } finally {
                    LOADER_LOG.removeHandler(stopWarnings);
                }
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

    /**
     * After {@link #close()}: what Tomcat warned of while stopping the webapps, e.g. "The web application
     * [x] appears to have started a thread named [y] but has failed to stop it" (a class-loader leak).
     */
    public List<String> leakWarnings() {
        return stopWarnings.records.stream().map(LogRecord::getMessage).toList();
    }

    /** Keeps the records a logger (and its children) publishes at or above a level while it is attached. */
    private static final class LogCollector extends Handler {
        final Queue<LogRecord> records = new ConcurrentLinkedQueue<>();

        LogCollector(Level level) {
            setLevel(level);
        }

        @Override
        public void publish(LogRecord r) {
            if (isLoggable(r)) {
                records.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
