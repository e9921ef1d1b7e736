package dev.tether.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.NodeScript;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/**
 * The console and the API page in headless Chromium (the system's /usr/bin/chromium driven by playwright-core, see
 * src/test/js/console-page); screenshots in target/console.png, console-phone.png and api.png.
 */
@TetherIT
@RunAsClient
class ConsolePageIT {

    static final String TOKEN = "console-token";
    static final String XSS = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";
    static RedisServer redis;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of("tether.redis.url", redis.url(), "tether.token", TOKEN));
    }

    @Test
    void aPersonUsesTheConsole() throws Exception {
        RespClient resp = redis.client();
        resp.call("HSET", "user:1", "name", "Ada", "born", "1815");
        resp.call("HSET", "user:2", "name", "Bob");
        resp.call("SET", "greeting", XSS);
        resp.call("ZADD", "scores", "1", "a", "2", "b");
        resp.call("SADD", "tags", "x", "y");
        resp.call("XADD", "events", "*", "kind", "login");
        List<Object> push = new ArrayList<>(List.of("RPUSH", "queue"));
        for (int i = 0; i < 120; i++) {
            push.add("item " + i);
        }
        resp.call(push.toArray());

        Path scripts = NodeScript.folder("console-page");
        NodeScript.install(scripts, "playwright-core");
        Path shots = Path.of(System.getProperty("tether.basedir", "."), "target");
        for (String shot : List.of("console.png", "console-phone.png", "api.png")) {
            Files.deleteIfExists(shots.resolve(shot));
        }
        NodeScript.Result result = NodeScript.run(scripts, List.of("node", "console-page.mjs"), Map.of(
                "CONSOLE_URL", Tether.base(url).toString(), "TOKEN", TOKEN, "SHOTS", shots.toString()), 180);
        System.out.println(result.output());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("console page: all checks passed"), result.output());
        for (String shot : List.of("console.png", "console-phone.png", "api.png")) {
            assertTrue(Files.size(shots.resolve(shot)) > 10_000, "no screenshot " + shot);
        }

        // what the page did, as Redis holds it
        long ttl = (Long) resp.call("TTL", "user:1");
        assertTrue(ttl > 400 && ttl <= 500, "TTL set in the console: " + ttl);
        assertEquals(0L, resp.call("EXISTS", "hello world"), "the key deleted in the console");
        assertEquals(XSS, resp.text("GET", "greeting"));
    }
}
