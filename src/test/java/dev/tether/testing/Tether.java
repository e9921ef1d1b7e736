package dev.tether.testing;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** Builds the deployment from the packaged WAR (the real artifact) with a test's configuration added. */
public final class Tether {

    private Tether() {
    }

    /** The built tether.war plus {@code config} as its microprofile-config.properties. */
    public static WebArchive war(Map<String, String> config) {
        File war = new File(System.getProperty("tether.war", "target/tether.war"));
        if (!war.isFile()) {
            throw new IllegalStateException(war + " is missing: run the tests with 'mvn verify'");
        }
        WebArchive archive = ShrinkWrap.create(ZipImporter.class, "tether.war").importFrom(war).as(WebArchive.class);
        StringBuilder properties = new StringBuilder();
        new TreeMap<>(config).forEach((k, v) -> properties.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        archive.addAsResource(new StringAsset(properties.toString()), "META-INF/microprofile-config.properties");
        return archive;
    }

    /** Which server the ITs run on: "wildfly" in the WildFly smoke execution (profile wildfly), else Payara Micro. */
    public static boolean onWildFly() {
        return "wildfly".equals(System.getProperty("tether.server"));
    }

    /**
     * Where the server serves /health and /metrics, with a trailing slash: Payara Micro on the HTTP port (the
     * deployment's), WildFly on its management interface ({@code tether.management.url}, 9990 + port offset).
     */
    public static URI management(URL arquillianUrl) {
        String management = System.getProperty("tether.management.url");
        return management != null ? URI.create(management) : base(arquillianUrl).resolve("/");
    }

    /** The deployment's base URL on 127.0.0.1 (Arquillian may report the host's other address), with a trailing slash. */
    public static URI base(URL arquillianUrl) {
        String path = arquillianUrl.getPath().endsWith("/") ? arquillianUrl.getPath() : arquillianUrl.getPath() + "/";
        return URI.create("http://127.0.0.1:" + arquillianUrl.getPort() + path);
    }
}
