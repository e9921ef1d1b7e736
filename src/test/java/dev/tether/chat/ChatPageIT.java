package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.NodeScript;
import dev.tether.testing.RedisServer;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/**
 * The chat page in headless Chromium (the system's /usr/bin/chromium driven by playwright-core, see
 * src/test/js/chat-page): two browser contexts chat, markup stays text, a dropped socket loses nothing.
 */
@TetherIT
@RunAsClient
class ChatPageIT {

    static final Path SCRIPTS = NodeScript.folder("chat-page");
    static RedisServer redis;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of("tether.redis.url", redis.url()));
    }

    @Test
    void twoBrowsersChatAndAReconnectLosesNothing() throws Exception {
        URI page = Tether.base(url);
        Http.Result index = new Http(page, null).get("");
        assertEquals(200, index.status());
        assertTrue(index.body().contains("chat.js"), "the chat page is not served at the context root");

        NodeScript.install(SCRIPTS, "playwright-core");
        Path screenshot = Path.of(System.getProperty("tether.basedir", "."), "target", "chat-page.png");
        Files.deleteIfExists(screenshot);
        NodeScript.Result result = NodeScript.run(SCRIPTS, List.of("node", "chat-page.mjs"),
                Map.of("CHAT_URL", page.toString(), "SCREENSHOT", screenshot.toString()), 120);
        System.out.println(result.output());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("chat page: all checks passed"), result.output());
        assertTrue(Files.size(screenshot) > 10_000, "no screenshot at " + screenshot);
    }
}
