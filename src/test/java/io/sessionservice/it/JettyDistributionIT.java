package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * "Deploy to Jetty" with a real Jetty 12 (org.eclipse.jetty:jetty-home:zip, unpacked by the build):
 * a JETTY_BASE made by start.jar with http, ee10-deploy and ee10-ext, the WAR with
 * jetty-conf/sessions.xml as shipped (config path aside), jetty-conf/json-errors.xml and .ini as shipped, the key in SESSION_KEY, and the protected
 * webapp taking the filter jars from the shared lib/ee10/ext.
 */
class JettyDistributionIT extends AbstractDistributionIT {

    private static final String KEY = "jetty-distribution-key-0123456789";

    @Override
    protected ProcessBuilder prepare(Path base, int port) throws Exception {
        Path home = Path.of(System.getProperty("jetty.home", "target/jetty-distribution/jetty-home-12.1.12"));
        Path startJar = home.resolve("start.jar");
        assertTrue(Files.isRegularFile(startJar), "no Jetty distribution at " + home);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        Process setup = new ProcessBuilder(java, "-jar", startJar.toString(), "--add-modules=http,ee10-deploy,ee10-ext")
                .directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(base.resolve("logs/setup.log").toFile()).start();
        assertTrue(setup.waitFor(60, TimeUnit.SECONDS), "start.jar --add-modules did not finish");
        assertEquals(0, setup.exitValue(), () -> "start.jar --add-modules failed: " + read(base.resolve("logs/setup.log")));

        Path config = base.resolve("session-config.json");
        Files.copy(REPO.resolve("config/default.json"), config); // no key in it: SESSION_KEY provides it
        Files.copy(EmbeddedContainer.builtWar(), base.resolve("webapps/sessions.war"));
        Files.writeString(base.resolve("webapps/sessions.xml"), Files.readString(REPO.resolve("jetty-conf/sessions.xml"))
                .replace("/etc/session-service/config.json", config.toString()));
        Files.copy(ShippedConf.jettyErrorsXml(), Files.createDirectories(base.resolve("etc")).resolve("json-errors.xml"));
        Files.copy(ShippedConf.jettyErrorsIni(), base.resolve("start.d/json-errors.ini"));
        Path sharedLib = Files.createDirectories(base.resolve("lib/ee10/ext"));
        for (Path jar : ProtectedWebapp.filterJars()) { // mode remote: filter-lib/common alone
            Files.copy(jar, sharedLib.resolve(jar.getFileName()));
        }
        protectedWebapp("http://127.0.0.1:" + port + "/sessions/").writeTo(base.resolve("webapps"), "protected");

        ProcessBuilder pb = new ProcessBuilder(java, "-jar", startJar.toString(),
                "jetty.http.host=127.0.0.1", "jetty.http.port=" + port).directory(base.toFile());
        pb.environment().put("SESSION_KEY", KEY);
        return pb;
    }

    @Override
    protected String key() {
        return KEY;
    }

    @Override
    protected String expectedFilterLoader() {
        return "shared";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
