package io.sessionservice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The file a user names is the file used, with {@code mvn jetty:run} too: {@code session.config} (system
 * property), {@code SESSION_CONFIG}, the context parameter, then {@code session.config.default} (which the
 * pom's Jetty plugin sets to the development file), then the built-in default; and the choice is logged.
 */
class ConfigLocationTest {

    private static final Path POM = Path.of("pom.xml");
    private static final String DEVELOPMENT = "config/development.json";

    @TempDir
    Path dir;

    private String marked(String name, long expiry) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "{\"sessionExpirySec\": " + expiry + ", \"credentials\": {\"key\": \"secret-of-" + name + "\"}}");
        return p.toString();
    }

    @Test
    void eachPlaceWinsOverTheOnesAfterIt() throws IOException {
        String property = marked("property", 101);
        String env = marked("env", 102);
        String context = marked("context", 103);
        String fallback = marked("fallback", 104);
        Map<String, String> withEnv = Map.of(ConfigLoader.ENV, env);

        assertEquals(101, ConfigLoader.load(property, withEnv, context, fallback).sessionExpirySec());
        assertEquals(102, ConfigLoader.load(null, withEnv, context, fallback).sessionExpirySec());
        assertEquals(103, ConfigLoader.load(" ", Map.of(), context, fallback).sessionExpirySec());
        assertEquals(104, ConfigLoader.load(null, Map.of(ConfigLoader.ENV, ""), null, fallback).sessionExpirySec());
        assertEquals(List.of(), ConfigLoader.load(null, Map.of(), null, " ").keys(), "the built-in default has no key");
    }

    @Test
    void locationsSayWhereTheyCameFrom() {
        assertEquals(new ConfigLoader.Location("/p", "system property session.config"),
                ConfigLoader.locate("/p", "/e", "/c", "/d"));
        assertEquals(new ConfigLoader.Location("/e", "environment variable SESSION_CONFIG"),
                ConfigLoader.locate(null, " /e ", "/c", "/d"));
        assertEquals(new ConfigLoader.Location("/c", "servlet context parameter session.config"),
                ConfigLoader.locate("", "", "/c", "/d"));
        assertEquals(new ConfigLoader.Location("/d", "system property session.config.default"),
                ConfigLoader.locate(null, null, null, "/d"));
        assertNull(ConfigLoader.locate(null, null, null, null).path());
    }

    /** What `mvn jetty:run -Dsession.config=…` and `SESSION_CONFIG=… mvn jetty:run` amount to, with the pom's default. */
    @Test
    void withThePomsDevelopmentDefaultANamedFileStillWins() throws IOException {
        String development = pomJettyRunSystemProperties().get(ConfigLoader.DEFAULT_PROPERTY)
                .replace("${project.basedir}", Path.of("").toAbsolutePath().toString());
        String named = marked("named", 3333);

        assertEquals(3333, ConfigLoader.load(named, Map.of(), null, development).sessionExpirySec());
        assertEquals(3333, ConfigLoader.load(null, Map.of(ConfigLoader.ENV, named), null, development).sessionExpirySec());
        ServiceConfig dev = ConfigLoader.load(null, Map.of(), null, development);
        assertEquals(List.of("dev-only-key-do-not-use-in-production"), dev.keys(), "nothing named: the development file");
    }

    @Test
    void thePomsJettyPluginSetsOnlyTheDefaultPropertyToTheDevelopmentFile() throws Exception {
        Map<String, String> properties = pomJettyRunSystemProperties();
        assertEquals("${project.basedir}/" + DEVELOPMENT, properties.get(ConfigLoader.DEFAULT_PROPERTY), properties::toString);
        assertFalse(properties.containsKey(ConfigLoader.PROPERTY),
                "the plugin must not set " + ConfigLoader.PROPERTY + ": it would hide SESSION_CONFIG");
        assertTrue(Files.isRegularFile(Path.of(DEVELOPMENT)));
        String pom = Files.readString(POM);
        assertTrue(pom.contains("<jettyXml>${project.basedir}/jetty-conf/json-errors.xml</jettyXml>"),
                "jetty:run answers Jetty's own errors as the shipped jetty-conf does");
    }

    @Test
    void theFileUsedIsLoggedByPathWithoutItsSecrets() throws IOException {
        String named = marked("logged", 77);
        Logger logger = (Logger) LoggerFactory.getLogger(ConfigLoader.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            ConfigLoader.load(null, Map.of(ConfigLoader.ENV, named, "SESSION_KEY", "env-secret-key"), null, null);
        } finally {
            logger.detachAppender(appender);
        }
        List<String> messages = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(messages.contains("Config file: " + named + " (environment variable SESSION_CONFIG)"), messages::toString);
        assertTrue(messages.stream().noneMatch(m -> m.contains("secret")), messages::toString);
    }

    /** The jetty-ee10-maven-plugin's {@code <systemProperties>} in pom.xml, unresolved. */
    private static Map<String, String> pomJettyRunSystemProperties() {
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            NodeList plugins = factory.newDocumentBuilder().parse(POM.toFile()).getElementsByTagName("plugin");
            for (int i = 0; i < plugins.getLength(); i++) {
                Element plugin = (Element) plugins.item(i);
                if (!"jetty-ee10-maven-plugin".equals(text(plugin, "artifactId"))) {
                    continue;
                }
                Element properties = (Element) plugin.getElementsByTagName("systemProperties").item(0);
                Map<String, String> out = new java.util.LinkedHashMap<>();
                for (Node n = properties.getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (n instanceof Element e) {
                        out.put(e.getTagName(), e.getTextContent().trim());
                    }
                }
                return out;
            }
            throw new AssertionError("no jetty-ee10-maven-plugin in pom.xml");
        } catch (Exception e) {
            throw new AssertionError("cannot read pom.xml: " + e, e);
        }
    }

    private static String text(Element parent, String child) {
        NodeList n = parent.getElementsByTagName(child);
        return n.getLength() == 0 ? null : n.item(0).getTextContent().trim();
    }
}
