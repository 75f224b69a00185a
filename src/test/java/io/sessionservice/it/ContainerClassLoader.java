package io.sessionservice.it;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The parent class loader a deployed webapp gets: the JDK plus only the packages a real container puts
 * on its own class path (Servlet API, the container's classes). Everything else on the test class path
 * (Jersey, Jackson, SLF4J/Logback, the service's own target/classes, logback-test.xml, service files)
 * is invisible, so the webapp loads all of it from its WEB-INF, as it would in production.
 *
 * <p>Without this, Jetty treats every {@code jakarta.*} class as protected and loads e.g.
 * {@code jakarta.ws.rs} from the test class path, whose static {@code RuntimeDelegate} would then be
 * shared by every webapp the test JVM deploys.
 */
final class ContainerClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private static final List<String> SERVLET_API = List.of("jakarta.servlet.");

    private final ClassLoader source;
    private final List<String> packages;
    private final List<String> resourcePrefixes;

    private ContainerClassLoader(String name, ClassLoader source, List<String> packages) {
        super(name, ClassLoader.getPlatformClassLoader());
        this.source = source;
        this.packages = packages;
        this.resourcePrefixes = packages.stream().map(p -> p.replace('.', '/')).toList();
    }

    /** Parent for a Tomcat webapp: Servlet API and Tomcat (which its loader always delegates). */
    static ClassLoader forTomcat() {
        return new ContainerClassLoader("tomcat-container", testClassLoader(), concat(SERVLET_API,
                List.of("org.apache.catalina.", "org.apache.coyote.", "org.apache.tomcat.", "org.apache.juli.",
                        "org.apache.naming.", "org.apache.el.", "org.apache.jasper.")));
    }

    /** Parent for a Jetty webapp: Servlet API and Jetty (hidden from the webapp by Jetty's own rules). */
    static ClassLoader forJetty() {
        return new ContainerClassLoader("jetty-container", testClassLoader(),
                concat(SERVLET_API, List.of("org.eclipse.jetty.")));
    }

    private static ClassLoader testClassLoader() {
        return ContainerClassLoader.class.getClassLoader();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private boolean visibleClass(String name) {
        return packages.stream().anyMatch(name::startsWith);
    }

    private boolean visibleResource(String name) {
        String n = name.startsWith("/") ? name.substring(1) : name;
        return resourcePrefixes.stream().anyMatch(n::startsWith);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (visibleClass(name)) {
            return source.loadClass(name);
        }
        throw new ClassNotFoundException(name);
    }

    @Override
    protected URL findResource(String name) {
        return visibleResource(name) ? source.getResource(name) : null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        return visibleResource(name) ? source.getResources(name) : Collections.emptyEnumeration();
    }
}
