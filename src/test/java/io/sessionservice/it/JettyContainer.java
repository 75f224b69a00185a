package io.sessionservice.it;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.ee.webapp.WebAppClassLoader;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Jetty;

/** Embedded Jetty 12 (ee10 environment) deploying the WAR file (extracted into a temporary directory). */
public final class JettyContainer implements EmbeddedContainer {

    private Path tempDir;
    private Server server;
    private WebAppContext webApp;

    @Override
    public String name() {
        return "Jetty " + Jetty.VERSION + " (ee10)";
    }

    @Override
    public URI deploy(Path war, String contextPath, Map<String, String> contextParameters) throws Exception {
        if (server != null) {
            throw new IllegalStateException("This container already deployed a WAR");
        }
        String path = EmbeddedContainer.normalizeContextPath(contextPath);
        tempDir = Files.createTempDirectory("session-it-jetty-");

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        webApp = new WebAppContext();
        webApp.setContextPath(path.isEmpty() ? "/" : path);
        webApp.setWar(war.toAbsolutePath().toString());
        webApp.setTempDirectory(tempDir.toFile());
        webApp.setParentLoaderPriority(false); // servlet-spec order: WEB-INF first
        webApp.setClassLoader(new WebAppClassLoader(ContainerClassLoader.forJetty(), webApp));
        // Report a failed webapp through its state (checked below), as Tomcat does, not by failing the server.
        webApp.setThrowUnavailableOnStartupException(false);
        contextParameters.forEach(webApp::setInitParameter);
        server.setHandler(webApp);

        server.start();
        URI base = EmbeddedContainer.baseUri(connector.getLocalPort(), path);
        Throwable failure = webApp.getUnavailableException();
        if (failure != null || !webApp.isAvailable() || !webApp.isStarted()) {
            String state = webApp.isFailed() ? "FAILED" : "UNAVAILABLE";
            throw new DeploymentFailedException(name() + " did not start " + war.getFileName() + " at '" + path
                    + "': webapp " + state + (failure == null ? "" : " (" + failure + ")"), base, state, failure);
        }
        return base;
    }

    @Override
    public void close() throws Exception {
        try {
            if (server != null) {
                server.stop();
            }
        } finally {
            TempFiles.deleteRecursively(tempDir);
        }
    }
}
