package dev.tether.gateway.webdis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import dev.tether.testing.WebdisProcess;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same URLs against real Webdis (Debian's 0.1.9) and against Tether's /webdis, on the same private Redis:
 * status, Content-Type, body and ETag must match byte for byte (refusals: the status; Webdis's body is empty).
 */
@TetherIT
@RunAsClient
class WebdisCompatIT {

    static RedisServer redis;
    static WebdisProcess webdis;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of("tether.redis.url", redis.url())); // no token: loopback callers, like Webdis here
    }

    @BeforeAll
    static void startWebdis() {
        webdis = WebdisProcess.start(redis);
    }

    @AfterAll
    static void stopWebdis() {
        if (webdis != null) {
            webdis.close();
        }
    }

    /** A URL, the Redis commands that reset its keys before each server's turn, and what to compare. */
    record Case(String path, List<List<String>> setup, boolean bodies) {
    }

    static Case same(String path, String... setup) {
        return new Case(path, setup.length == 0 ? List.of() : List.of(List.of(setup)), true);
    }

    @Test
    void sameBytesAsWebdis() {
        try (RespClient resp = redis.client()) {
            resp.call("SET", "hello", "world");
            resp.call("DEL", "l");
            resp.call("RPUSH", "l", "a", "b", "c");
            resp.call("HSET", "h", "f", "v", "g", "w");
            resp.call("ZADD", "z", "1", "a", "2", "b");
            resp.call("SET", "page", "<b>x</b>");
            resp.call("SET", "a.foo", "dotted");
            List<Case> cases = List.of(
                    same("SET/hello/world"), same("GET/hello"), same("get/hello"), same("GET/missing"), same("PING"),
                    same("INCR/hello"), same("INCR/cnt", "DEL", "cnt"), same("RPUSH/r/x/y", "DEL", "r"),
                    same("LRANGE/l/0/-1"), same("LRANGE/l/0/-1.txt"), same("LRANGE/l/0/-1.txt?sep=,"),
                    same("LRANGE/l/0/-1.raw"), same("HGETALL/h"), same("HGETALL/none"), same("SMEMBERS/none"),
                    same("GEOPOS/none/x"), same("ZRANGE/z/0/-1/WITHSCORES"), same("NOSUCH/x"), same("NOSUCH/x.raw"),
                    same("GET/hello?jsonp=cb"), same("GET/hello?callback=cb"), same("GET/page.html"),
                    same("GET/page.xml"), same("GET/page.png"), same("GET/page?type=application/pdf"),
                    same("TYPE/l.txt"), same("PING.txt"), same("GET/none.raw"), same("INCR/hello.raw"),
                    same("GET/a.foo"), same("GET/a.foo.txt"), same("7/SET/k7/seven"), same("7/GET/k7"),
                    same("GET/k7"), same("SET/k3/a+b%20c%2fd"), same("GET/k3"), same("TYPE/l"), same("EXISTS/l"),
                    same("GET/none.txt"), same("GET"), same("GET/hello/extra"),
                    // JSONP on errors, nil and objects; custom types of statuses, errors and lists
                    same("INCR/hello?jsonp=cb"), same("GET/missing?callback=f"), same("NOSUCH/x?jsonp=cb"),
                    same("HGETALL/h?jsonp=cb"), same("LRANGE/l/0/-1?callback=f"), same("GET/page.css"),
                    same("GET/page.js"), same("GET/page.js?jsonp=cb"), same("GET/page.bin"), same("GET/page.JSON"),
                    same("GET/page.Txt"), same("GET/page.jpg"), same("GET/page.jpeg"), same("GET/page.xhtml"),
                    same("PING.html"), same("INCR/hello.txt"), same("HGETALL/h.txt?sep=:"),
                    same("LRANGE/l/0/-1?type=text/csv&sep=-"), same("EXISTS/hello.raw"), same("EXISTS/hello.txt"),
                    // in a list only strings count: integers and nils are left out of .txt, integers are bulk in .raw
                    same("MGET/missing/hello.txt?sep=,"), same("MGET/hello/missing/hello.txt?sep=,"),
                    same("SMISMEMBER/sm/a/zz", "SADD", "sm", "a"), same("SMISMEMBER/sm/a/zz.raw", "SADD", "sm", "a"),
                    same("SMISMEMBER/sm/a/zz.txt?sep=,", "SADD", "sm", "a"),
                    new Case("MULTI", List.of(), false), new Case("FLUSHALL", List.of(), false),
                    new Case("SELECT/3", List.of(), false));
            Http tether = new Http(Tether.base(url), null);
            Http reference = new Http(URI.create("http://127.0.0.1:" + webdis.port() + "/"), null);
            // the deployment may still be connecting to Redis on a busy machine: wait (bounded) until it answers
            for (int i = 0; i < 150 && tether.get("webdis/PING").status() != 200; i++) {
                RedisServer.sleep(200);
            }
            int compared = 0;
            for (Case c : cases) {
                c.setup().forEach(cmd -> resp.call(cmd.toArray()));
                Http.Result ours = tether.get("webdis/" + c.path());
                c.setup().forEach(cmd -> resp.call(cmd.toArray()));
                Http.Result theirs = reference.get(c.path());
                assertEquals(theirs.status(), ours.status(), () -> c.path() + ": Webdis " + theirs + ", Tether " + ours);
                if (c.bodies()) {
                    assertEquals(theirs.body(), ours.body(), c.path());
                    assertEquals(theirs.header("content-type"), ours.header("content-type"), c.path());
                    assertEquals(theirs.header("etag"), ours.header("etag"), c.path());
                }
                compared++;
            }
            assertEquals(cases.size(), compared);
            // 304: each server's own ETag sent back gives an empty 304 on both
            for (String path : List.of("GET/hello", "LRANGE/l/0/-1.txt", "HGETALL/h?jsonp=cb", "GET/page.png")) {
                Http.Result ours = tether.get("webdis/" + path);
                Http.Result theirs = reference.get(path);
                Http.Result ours304 = tether.get("webdis/" + path, "If-None-Match", ours.header("etag"));
                Http.Result theirs304 = reference.get(path, "If-None-Match", theirs.header("etag"));
                assertEquals(304, theirs304.status(), path);
                assertEquals(theirs304.status(), ours304.status(), path);
                assertEquals(theirs304.body(), ours304.body(), path);
                assertEquals(ours.header("etag"), ours304.header("etag"), path); // Webdis sends none; HTTP says SHOULD
            }
            // PUT and POST, the same bytes through both
            for (Http h : List.of(tether, reference)) {
                String base = h == tether ? "webdis/" : "";
                Http.Result put = h.send(h.request(base + "SET/up").PUT(HttpRequest.BodyPublishers.ofString("v/x")).build());
                assertEquals("{\"SET\":[true,\"OK\"]}", put.body());
                assertEquals("{\"GET\":\"v/x\"}", h.post(base, "GET/up").body());
                assertEquals(405, h.send(h.request(base + "GET/up").DELETE().build()).status());
            }
            assertTrue(compared > 40);
        }
    }
}
