package io.sessionservice.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container configuration the repository ships ({@code tomcat-conf/}, {@code jetty-conf/}), read as
 * files, so the embedded containers and the distribution ITs are set up exactly as an operator's would be.
 */
final class ShippedConf {

    static final Path REPO = Path.of("").toAbsolutePath();
    /** The Host attribute tomcat-conf/error-report-valve.xml tells operators to set (else Tomcat adds its HTML valve). */
    static final String TOMCAT_ERROR_VALVE_ATTRIBUTE = "errorReportValveClass";

    private static final Pattern ATTRIBUTE = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private ShippedConf() {
    }

    /** tomcat-conf/error-report-valve.xml: the Valve element, comments removed. */
    static String tomcatErrorValveElement() {
        String text = read(REPO.resolve("tomcat-conf/error-report-valve.xml")).replaceAll("(?s)<!--.*?-->", "").trim();
        if (!text.startsWith("<Valve ") || !text.endsWith("/>")) {
            throw new IllegalStateException("tomcat-conf/error-report-valve.xml holds no single Valve element: " + text);
        }
        return text;
    }

    /** The Valve element's attributes, {@code className} first. */
    static Map<String, String> tomcatErrorValve() {
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(tomcatErrorValveElement());
        while (m.find()) {
            attributes.put(m.group(1), m.group(2));
        }
        return attributes;
    }

    /** A distribution's server.xml with the valve inside its one Host, as the file's comment says. */
    static String withTomcatErrorValve(String serverXml) {
        String className = tomcatErrorValve().get("className");
        if (!serverXml.contains("<Host ") || !serverXml.contains("</Host>")) {
            throw new IllegalStateException("server.xml has no Host element");
        }
        return serverXml.replace("<Host ", "<Host " + TOMCAT_ERROR_VALVE_ATTRIBUTE + "=\"" + className + "\" ")
                .replace("</Host>", "  " + tomcatErrorValveElement() + "\n      </Host>");
    }

    /** jetty-conf/json-errors.xml: the Server's ErrorHandler. */
    static Path jettyErrorsXml() {
        return REPO.resolve("jetty-conf/json-errors.xml");
    }

    /** jetty-conf/json-errors.ini: what goes into a Jetty base's start.d. */
    static Path jettyErrorsIni() {
        return REPO.resolve("jetty-conf/json-errors.ini");
    }

    /** A property that jetty-conf/json-errors.ini sets ({@code name=value} lines). */
    static String jettyIniProperty(String name) {
        return read(jettyErrorsIni()).lines().map(String::trim).filter(l -> l.startsWith(name + "="))
                .map(l -> l.substring(name.length() + 1)).findFirst()
                .orElseThrow(() -> new IllegalStateException("jetty-conf/json-errors.ini does not set " + name));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
