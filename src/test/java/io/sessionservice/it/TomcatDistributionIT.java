package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * "Deploy to Tomcat" with a real Tomcat 10.1 (org.apache.tomcat:tomcat:zip, unpacked by the build):
 * a CATALINA_BASE with tomcat-conf/context.xml, tomcat-conf/setenv.sh and tomcat-conf/error-report-valve.xml as shipped (the test uses
 * setenv.sh's placeholder key), the WAR in webapps/, the protected webapp with the filter jars in its
 * WEB-INF/lib; started with catalina.sh run.
 */
class TomcatDistributionIT extends AbstractDistributionIT {

    /** The key tomcat-conf/setenv.sh exports: the test uses the file as shipped. */
    private static final String SETENV_KEY = "replace-with-a-long-random-key";

    @Override
    protected ProcessBuilder prepare(Path base, int port) throws Exception {
        Path home = Path.of(System.getProperty("tomcat.home", "target/tomcat-distribution/apache-tomcat-10.1.59"));
        assertTrue(Files.isRegularFile(home.resolve("bin/catalina.sh")), "no Tomcat distribution at " + home);

        copyTree(home.resolve("conf"), base.resolve("conf"));
        Path serverXml = base.resolve("conf/server.xml");
        Files.writeString(serverXml, Files.readString(serverXml)
                .replace("<Server port=\"8005\"", "<Server port=\"-1\"")
                .replace("<Connector port=\"8080\"", "<Connector address=\"127.0.0.1\" port=\"" + port + "\""));
        Files.writeString(serverXml, ShippedConf.withTomcatErrorValve(Files.readString(serverXml)));
        for (String dir : List.of("temp", "work", "webapps", "bin", "conf/Catalina/localhost")) {
            Files.createDirectories(base.resolve(dir));
        }
        Path config = base.resolve("session-config.json");
        Files.copy(REPO.resolve("config/default.json"), config); // no key in it: setenv.sh provides SESSION_KEY
        Files.writeString(base.resolve("conf/Catalina/localhost/sessions.xml"),
                Files.readString(REPO.resolve("tomcat-conf/context.xml"))
                        .replace("/etc/session-service/config.json", config.toString()));
        Files.copy(REPO.resolve("tomcat-conf/setenv.sh"), base.resolve("bin/setenv.sh"));
        Files.copy(EmbeddedContainer.builtWar(), base.resolve("webapps/sessions.war"));
        // mode remote: WEB-INF/lib holds filter-lib/common alone
        protectedWebapp("http://127.0.0.1:" + port + "/sessions/").withFilterJarsInWebInfLib()
                .writeTo(base.resolve("webapps"), "protected");

        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("bin/catalina.sh").toString(), "run");
        pb.environment().put("CATALINA_HOME", home.toString());
        pb.environment().put("CATALINA_BASE", base.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("SESSION_KEY");
        return pb;
    }

    @Override
    protected String key() {
        return SETENV_KEY;
    }

    @Override
    protected String expectedFilterLoader() {
        return "webapp";
    }
}
