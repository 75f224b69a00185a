package io.sessionservice.it;

import io.sessionservice.it.protectedapp.AddFilterListener;
import io.sessionservice.it.protectedapp.CatchAllResource;
import io.sessionservice.it.protectedapp.WhoAmIServlet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds the small webapp that SessionAuthFilter protects in the ITs: {@link WhoAmIServlet} on every
 * path, the filter in front of it configured by web.xml init-parameters (or, when asked, registered in
 * code by {@link AddFilterListener}), and, when asked, the filter's jars in its own WEB-INF/lib (else
 * the container must provide them in its shared lib). As a {@link #jersey() Jersey webapp}, Jersey serves
 * {@link CatchAllResource} instead of the servlet, and WEB-INF/lib holds the service WAR's libraries.
 */
public final class ProtectedWebapp {

    private final Map<String, String> filterParameters = new LinkedHashMap<>();
    private boolean filterJarsInWebInfLib;
    private String[] stores = {};
    private boolean registeredInCode;
    private boolean jersey;

    public ProtectedWebapp param(String name, String value) {
        filterParameters.put(name, value);
        return this;
    }

    /**
     * Put target/filter-lib/common (the classes jar, Jackson, SLF4J API) and each of these stores'
     * directories (e.g. "redis") into WEB-INF/lib: remote mode needs common alone.
     */
    public ProtectedWebapp withFilterJarsInWebInfLib(String... stores) {
        filterJarsInWebInfLib = true;
        this.stores = stores.clone();
        return this;
    }

    /** No filter in web.xml: {@link AddFilterListener} calls {@code ServletContext.addFilter} at start. */
    public ProtectedWebapp registeredInCode() {
        registeredInCode = true;
        return this;
    }

    /**
     * A JAX-RS webapp: Jersey at {@code /*} serving {@link CatchAllResource}, which routes on the raw request
     * URI, behind the filter; WEB-INF/lib gets the filter's jars and Jersey (the jars of the built WAR).
     */
    public ProtectedWebapp jersey() {
        jersey = true;
        return withFilterJarsInWebInfLib("redis");
    }

    /** Writes the webapp directory under {@code parent} and returns it. */
    public Path writeTo(Path parent, String name) {
        try {
            Path root = Files.createDirectories(parent.resolve(name));
            Path webInf = Files.createDirectories(root.resolve("WEB-INF"));
            Files.writeString(webInf.resolve("web.xml"), webXml());
            copyClass(jersey ? CatchAllResource.class : WhoAmIServlet.class, webInf.resolve("classes"));
            if (registeredInCode) {
                copyClass(AddFilterListener.class, webInf.resolve("classes"));
            }
            if (filterJarsInWebInfLib) {
                Path lib = Files.createDirectories(webInf.resolve("lib"));
                for (Path jar : filterJars(stores)) {
                    Files.copy(jar, lib.resolve(jar.getFileName()));
                }
                if (jersey) {
                    copyWarLibraries(lib);
                }
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The filter's jars as the build made them: target/filter-lib/common and these stores' directories. */
    public static List<Path> filterJars(String... stores) {
        Path lib = Path.of(System.getProperty("session.filterLib", "target/filter-lib"));
        List<Path> jars = new ArrayList<>();
        for (String set : Stream.concat(Stream.of("common"), Stream.of(stores)).toList()) {
            try (Stream<Path> files = Files.list(lib.resolve(set))) {
                files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
            } catch (IOException e) {
                throw new UncheckedIOException("No " + lib.resolve(set) + ": run through `mvn verify`", e);
            }
        }
        return jars;
    }

    /** The built WAR's WEB-INF/lib (Jersey, HK2, Jackson, …), except what the filter's jars already hold. */
    private static void copyWarLibraries(Path lib) throws IOException {
        URI war = URI.create("jar:" + EmbeddedContainer.builtWar().toUri());
        try (FileSystem zip = FileSystems.newFileSystem(war, Map.of());
             Stream<Path> jars = Files.list(zip.getPath("/WEB-INF/lib"))) {
            for (Path jar : jars.toList()) {
                Path target = lib.resolve(jar.getFileName().toString());
                if (!Files.exists(target)) {
                    Files.copy(jar, target);
                }
            }
        }
    }

    private static void copyClass(Class<?> type, Path classes) throws IOException {
        String classFile = type.getName().replace('.', '/') + ".class";
        Path target = classes.resolve(classFile);
        Files.createDirectories(target.getParent());
        try (InputStream in = type.getClassLoader().getResourceAsStream(classFile)) {
            Files.copy(in, target);
        }
    }

    private String webXml() {
        StringBuilder params = new StringBuilder();
        filterParameters.forEach((k, v) -> params.append(registeredInCode
                ? "  <context-param><param-name>" + AddFilterListener.PARAMETER_PREFIX + k
                        + "</param-name><param-value>" + v + "</param-value></context-param>\n"
                : "    <init-param><param-name>" + k + "</param-name><param-value>" + v + "</param-value></init-param>\n"));
        String filter = registeredInCode
                ? params + "  <listener><listener-class>" + AddFilterListener.class.getName() + "</listener-class></listener>\n"
                : """
                  <filter>
                    <filter-name>session-auth</filter-name>
                    <filter-class>io.sessionservice.filter.SessionAuthFilter</filter-class>
                %s  </filter>
                  <filter-mapping>
                    <filter-name>session-auth</filter-name>
                    <url-pattern>/*</url-pattern>
                  </filter-mapping>
                """.formatted(params);
        if (jersey) {
            return """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0" metadata-complete="true">
                    %s  <servlet>
                        <servlet-name>jersey</servlet-name>
                        <servlet-class>org.glassfish.jersey.servlet.ServletContainer</servlet-class>
                        <init-param>
                          <param-name>jersey.config.server.provider.classnames</param-name>
                          <param-value>%s</param-value>
                        </init-param>
                        <load-on-startup>1</load-on-startup>
                      </servlet>
                      <servlet-mapping>
                        <servlet-name>jersey</servlet-name>
                        <url-pattern>/*</url-pattern>
                      </servlet-mapping>
                    </web-app>
                    """.formatted(filter, CatchAllResource.class.getName());
        }
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0" metadata-complete="true">
                %s  <servlet>
                    <servlet-name>whoami</servlet-name>
                    <servlet-class>%s</servlet-class>
                  </servlet>
                  <servlet-mapping>
                    <servlet-name>whoami</servlet-name>
                    <url-pattern>/*</url-pattern>
                  </servlet-mapping>
                </web-app>
                """.formatted(filter, WhoAmIServlet.class.getName());
    }
}
