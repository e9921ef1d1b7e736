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
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A private chat: {@code tether.chat.token} set, the handshake refused without it, the page forwarding it. */
@TetherIT
@RunAsClient
class ChatTokenIT {

    static final String TOKEN = "chat-s3cret/+=";
    static RedisServer redis;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of("tether.redis.url", redis.url(), "tether.chat.token", TOKEN));
    }

    @Test
    @Tag("smoke")
    void theHandshakeNeedsTheToken() throws Exception {
        URI base = Tether.base(url);
        try (RawWebSocket none = new RawWebSocket(ChatSocket.uri(base, "private", "eve", null), null, 0);
                RawWebSocket wrong = new RawWebSocket(ChatSocket.uri(base, "private", "eve", "token=guess"), null, 0)) {
            assertEquals(401, none.status);
            assertEquals(401, wrong.status);
        }
        // the refusal's JSON body, read with an HTTP client (the filter answers any request on the chat path)
        Http http = new Http(base, null);
        Http.Result missing = http.get("ws/chat/private?name=eve");
        assertEquals(401, missing.status(), missing::toString);
        assertEquals("application/json", missing.header("content-type").split(";")[0], missing::toString);
        assertTrue(missing.body().startsWith("{\"error\":\"ERR this chat needs a token"), missing::toString);
        Http.Result wrongBody = http.get("ws/chat/private?name=eve&token=guess");
        assertEquals("{\"error\":\"ERR wrong chat token\"}", wrongBody.body(), wrongBody::toString);
        String encoded = java.net.URLEncoder.encode(TOKEN, java.nio.charset.StandardCharsets.UTF_8);
        try (RawWebSocket query = new RawWebSocket(ChatSocket.uri(base, "private", "q", "token=" + encoded), null, 0);
                RawWebSocket header = new RawWebSocket(ChatSocket.uri(base, "private", "h", null), null, 0,
                        "Authorization: Bearer " + TOKEN + "\r\n")) {
            assertEquals(101, query.status);
            assertTrue(query.read().text().contains("welcome"));
            assertEquals(101, header.status);
            assertTrue(header.read().text().contains("welcome"));
        }
    }

    @Test
    void thePageForwardsItsToken() throws Exception {
        NodeScript.install(ChatPageIT.SCRIPTS, "playwright-core");
        NodeScript.Result result = NodeScript.run(ChatPageIT.SCRIPTS, List.of("node", "chat-page.mjs"),
                Map.of("CHAT_URL", Tether.base(url).toString(), "TOKEN", TOKEN), 120);
        System.out.println(result.output());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("with ?token= the page forwards it and chats"), result.output());
        assertTrue(result.output().contains("all checks passed"), result.output());
    }
}
