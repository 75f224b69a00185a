package io.sessionservice.it;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee.webapp.WebAppClassLoader;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.Jetty;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.xml.XmlConfiguration;

/** Embedded Jetty 12 (ee10 environment) deploying WAR files (extracted into a temporary directory) and webapp directories. */
public final class JettyContainer extends AbstractEmbeddedContainer {

    private final Map<Webapp, WebAppContext> contexts = new HashMap<>();
    private Path tempDir;
    private Server server;

    @Override
    public String name() {
        return "Jetty " + Jetty.VERSION + " (ee10)";
    }

    @Override
    protected ClassLoader containerLoader() {
        return ContainerClassLoader.forJetty();
    }

    @Override
    protected int startContainer(List<Webapp> webapps, ClassLoader parentLoader, int port) throws Exception {
        tempDir = Files.createTempDirectory("session-it-jetty-");
        server = new Server();
        // As jetty-conf/ ships: json-errors.ini's jetty.httpConfig.sendServerVersion, json-errors.xml's ErrorHandler.
        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setSendServerVersion(Boolean.parseBoolean(ShippedConf.jettyIniProperty("jetty.httpConfig.sendServerVersion")));
        new XmlConfiguration(ResourceFactory.root().newResource(ShippedConf.jettyErrorsXml())).configure(server);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);

        ContextHandlerCollection handlers = new ContextHandlerCollection();
        for (Webapp w : webapps) {
            WebAppContext webApp = new WebAppContext();
            webApp.setContextPath(w.contextPath().isEmpty() ? "/" : w.contextPath());
            webApp.setWar(w.source().toString());
            webApp.setTempDirectory(Files.createDirectories(tempDir.resolve("webapp-" + contexts.size())).toFile());
            webApp.setParentLoaderPriority(false); // servlet-spec order: WEB-INF first
            webApp.setClassLoader(new WebAppClassLoader(parentLoader, webApp));
            // Report a failed webapp through its state (see failureOf), as Tomcat does, not by failing the server.
            webApp.setThrowUnavailableOnStartupException(false);
            w.contextParameters().forEach(webApp::setInitParameter);
            contexts.put(w, webApp);
            handlers.addHandler(webApp);
        }
        server.setHandler(handlers);
        server.start();
        return connector.getLocalPort();
    }

    @Override
    protected DeploymentFailedException failureOf(Webapp w, URI baseUri) {
        WebAppContext webApp = contexts.get(w);
        Throwable failure = webApp.getUnavailableException();
        if (failure == null && webApp.isAvailable() && webApp.isStarted()) {
            return null;
        }
        String state = webApp.isFailed() ? "FAILED" : "UNAVAILABLE";
        return failure(w, baseUri, state, "webapp " + state + (failure == null ? "" : " (" + failure + ")"), failure);
    }

    @Override
    public ClassLoader webappClassLoader(String contextPath) {
        String path = normalizeContextPath(contextPath);
        return contexts.entrySet().stream().filter(e -> e.getKey().contextPath().equals(path))
                .map(e -> e.getValue().getClassLoader()).findFirst().orElseThrow();
    }

    @Override
    protected void stopContainer() throws Exception {
        try {
            if (server != null) {
                server.stop();
            }
        } finally {
            TempFiles.deleteRecursively(tempDir);
        }
    }
}
