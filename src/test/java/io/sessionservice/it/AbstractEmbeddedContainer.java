package io.sessionservice.it;

import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Tomcat and Jetty share: the webapps, port and shared jars a test asks for, the shared class
 * loader, and the outcome of each webapp's start. A subclass starts its container and judges each webapp.
 */
abstract class AbstractEmbeddedContainer implements EmbeddedContainer {

    /** A webapp to deploy: {@code contextPath} is "" for the root, else "/name" without a trailing slash. */
    protected record Webapp(Path source, String contextPath, Map<String, String> contextParameters) {

        /** For messages and file names: the WAR's or directory's name. */
        String name() {
            return source.getFileName().toString();
        }
    }

    private final List<Webapp> webapps = new ArrayList<>();
    private final Map<String, URI> started = new LinkedHashMap<>();
    private final Map<String, DeploymentFailedException> failed = new LinkedHashMap<>();
    private List<Path> sharedJars = List.of();
    private URLClassLoader sharedLoader;
    private int port;
    private boolean starting;

    /** The container's own loader (Servlet API and container classes): {@link ContainerClassLoader}. */
    protected abstract ClassLoader containerLoader();

    /**
     * Configures and starts the container with these webapps, each under {@code parentLoader}.
     *
     * @param port the port to bind, 0 for an ephemeral one
     * @return the port bound
     */
    protected abstract int startContainer(List<Webapp> webapps, ClassLoader parentLoader, int port) throws Exception;

    /** After the start: null when this webapp is serving, else why not (build it with {@link #failure}). */
    protected abstract DeploymentFailedException failureOf(Webapp webapp, URI baseUri);

    /** Stops what {@link #startContainer} started (possibly nothing) and deletes its files. */
    protected abstract void stopContainer() throws Exception;

    @Override
    public EmbeddedContainer port(int port) {
        requireNotStarted();
        this.port = port;
        return this;
    }

    @Override
    public EmbeddedContainer sharedJars(List<Path> jars) {
        requireNotStarted();
        sharedJars = List.copyOf(jars);
        return this;
    }

    @Override
    public EmbeddedContainer addWebapp(Path warOrDirectory, String contextPath, Map<String, String> contextParameters) {
        requireNotStarted();
        String path = normalizeContextPath(contextPath);
        if (webapps.stream().anyMatch(w -> w.contextPath().equals(path))) {
            throw new IllegalArgumentException("A webapp is already at '" + path + "'");
        }
        webapps.add(new Webapp(warOrDirectory.toAbsolutePath(), path, Map.copyOf(contextParameters)));
        return this;
    }

    @Override
    public final void start() throws Exception {
        requireNotStarted();
        if (webapps.isEmpty()) {
            throw new IllegalStateException("No webapp to start: addWebapp first");
        }
        starting = true;
        ClassLoader parent = containerLoader();
        if (!sharedJars.isEmpty()) {
            sharedLoader = new URLClassLoader("container-shared", urls(sharedJars), parent);
            parent = sharedLoader;
        }
        int bound = startContainer(List.copyOf(webapps), parent, port);
        for (Webapp w : webapps) {
            URI base = URI.create("http://127.0.0.1:" + bound + w.contextPath() + "/");
            DeploymentFailedException failure = failureOf(w, base);
            if (failure == null) {
                started.put(w.contextPath(), base);
            } else {
                failed.put(w.contextPath(), failure);
            }
        }
    }

    @Override
    public URI baseUri(String contextPath) throws DeploymentFailedException {
        String path = normalizeContextPath(contextPath);
        if (failed.containsKey(path)) {
            throw failed.get(path);
        }
        URI base = started.get(path);
        if (base == null) {
            throw new IllegalArgumentException("No started webapp at '" + path + "'");
        }
        return base;
    }

    @Override
    public final void close() throws Exception {
        try {
            stopContainer();
        } finally {
            if (sharedLoader != null) {
                sharedLoader.close();
            }
        }
    }

    /** The exception {@link #failureOf} returns: names the container, the webapp and its state. */
    protected DeploymentFailedException failure(Webapp w, URI base, String state, String detail, Throwable cause) {
        return new DeploymentFailedException(name() + " did not start " + w.name() + " at '" + w.contextPath()
                + "': " + detail, base, state, cause);
    }

    private void requireNotStarted() {
        if (starting) {
            throw new IllegalStateException(name() + " was already started; a container starts once");
        }
    }

    /** "" for the root context, else "/name" without a trailing slash. */
    static String normalizeContextPath(String contextPath) {
        if (contextPath == null || contextPath.isEmpty() || contextPath.equals("/")) {
            return "";
        }
        String p = contextPath.startsWith("/") ? contextPath : "/" + contextPath;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static URL[] urls(List<Path> jars) {
        return jars.stream().map(p -> {
            try {
                return p.toUri().toURL();
            } catch (MalformedURLException e) {
                throw new UncheckedIOException(e);
            }
        }).toArray(URL[]::new);
    }
}
