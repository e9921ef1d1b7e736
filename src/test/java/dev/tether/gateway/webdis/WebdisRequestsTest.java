package dev.tether.gateway.webdis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.gateway.http.HttpError;
import dev.tether.redis.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebdisRequestsTest {

    static WebdisRequest parse(String path, String query) {
        return WebdisRequests.parse(path, query, null, 100);
    }

    @Test
    void pathsExtensionsAndDatabases() {
        WebdisRequest r = parse("/GET/k.txt", "sep=,");
        assertEquals("GET", r.command().name());
        assertEquals("k", r.command().text(0));
        assertSame(WebdisFormat.TEXT, r.format());
        assertEquals("text/plain", r.type());
        assertEquals(",", r.sep());
        assertEquals(-1, r.db());
        WebdisRequest db = parse("/7/get/file.tar", null);
        assertEquals(7, db.db());
        assertEquals("get", db.name());
        assertEquals("file.tar", db.command().text(0)); // unknown extension stays in the key
        assertSame(WebdisFormat.JSON, db.format());
        assertEquals("a/b.c d", parse("/SET/a%2fb%2ec+d/v", null).command().text(0));
        assertSame(WebdisFormat.RAW, parse("/PING.raw", null).format());
        assertEquals("k.JSON", parse("/GET/k.JSON", null).command().text(0)); // extensions are case-sensitive
        WebdisRequest js = parse("/GET/k.js", null); // JSON served as JavaScript, as Webdis
        assertSame(WebdisFormat.JSON, js.format());
        assertEquals("application/javascript", js.type());
        assertSame(WebdisFormat.TEXT, parse("/GET/k.bin", null).format());
        assertEquals("binary/octet-stream", parse("/GET/k.bin", null).type());
        assertEquals("cb", parse("/GET/k", "callback=cb").jsonp());
        assertEquals("image/svg+xml", parse("/GET/k", "type=image/svg%2Bxml").type());
        assertEquals("", parse("/SET/k/", null).command().text(1)); // an empty argument, as Webdis
    }

    @Test
    void putBodyIsTheLastArgumentUnchanged() {
        byte[] body = {0, (byte) 0xff, '%', '/'};
        WebdisRequest r = WebdisRequests.parse("/SET/k", null, body, 100);
        assertArrayEquals(body, r.command().args().get(1));
    }

    @Test
    void badInputIs400() {
        for (String path : new String[] {"/", "", "//", "/GET/%zz", "/GET/%4"}) {
            HttpError e = assertThrows(HttpError.class, () -> parse(path, null), path);
            assertEquals(400, e.status());
        }
        assertEquals(400, assertThrows(HttpError.class, () -> parse("/GET/k", "jsonp=alert(1)")).status());
        assertEquals(400, assertThrows(HttpError.class, () -> parse("/GET/k", "type=text/html%0d%0aX:1")).status());
        assertEquals(400, assertThrows(HttpError.class, () -> parse("/GET" + "/".repeat(100_000), null)).status());
    }

    @Test
    void formats() {
        WebdisRequest json = parse("/HGETALL/h", "jsonp=f");
        Reply hash = new Reply.Array(List.of(bulk("f"), bulk("v")));
        assertEquals("f({\"HGETALL\":{\"f\":\"v\"}});\n", text(json.format().render(json, hash).body()));
        WebdisRequest raw = parse("/X.raw", null);
        assertEquals("*2\r\n$1\r\nf\r\n$-1\r\n", text(raw.format().render(raw,
                new Reply.Array(List.of(bulk("f"), Reply.NIL))).body()));
        WebdisRequest txt = parse("/X.txt", null);
        assertEquals(404, txt.format().render(txt, Reply.NIL).status());
        assertEquals("+OK", text(txt.format().render(txt, new Reply.Status("OK")).body()));
        WebdisRequest info = parse("/INFO", null);
        String out = text(info.format().render(info, bulk("# Server\r\nredis_version:7.0.15\r\n\r\nos:Linux\r\n")).body());
        assertEquals("{\"INFO\":{\"redis_version\":\"7.0.15\",\"os\":\"Linux\"}}", out);
        assertTrue(ETags.of("{\"GET\":\"world\"}".getBytes(StandardCharsets.UTF_8))
                .equals("\"8cf38afc245b7a6a88696566483d1390\""));
        assertNull(parse("/GET/k", null).jsonp());
    }

    private static Reply bulk(String s) {
        return new Reply.Bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
