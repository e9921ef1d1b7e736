package dev.tether.keys;

import static dev.tether.keys.KeysApiIT.assertError;
import static dev.tether.keys.KeysApiIT.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The type sub-resources (fields, items, members, scored members, entries), paging 10,000 members, WRONGTYPE. */
@TetherIT
@RunAsClient
class TypesApiIT {

    static RedisServer redis;

    @ArquillianResource
    URL url;

    Api api;
    RespClient resp;

    @Deployment(testable = false)
    static WebArchive deployment() {
        // no token configured: loopback callers are served
        return Tether.war(Map.of("tether.redis.url", redis.url(), "tether.keys.max-page", "1000"));
    }

    @BeforeEach
    void setUp() {
        api = new Api(new Http(Tether.base(url), null));
        resp = redis.client();
    }

    @Test
    @Tag("smoke")
    void hashFields() {
        resp.call("DEL", "h");
        Http.Result created = api.put("keys/h/fields/name", "text/plain", "Ada");
        assertEquals(201, created.status(), created::toString);
        assertTrue(created.header("Location").endsWith("/api/keys/h/fields/name"));
        assertEquals(204, api.putJson("keys/h/fields/name", "\"Ada L.\"").status());
        assertEquals("Ada L.", resp.text("HGET", "h", "name"));
        JsonObject f = api.get("keys/h/fields/name").json().asJsonObject();
        assertEquals("Ada L.", f.getString("value"));
        assertEquals(200, api.get("keys/h/fields").status());
        assertEquals("Ada L.", api.get("keys/h/fields").json().asJsonObject().getJsonObject("fields").getString("name"));
        assertError(api.get("keys/h/fields/nope"), 404, "no field");
        assertEquals(204, api.delete("keys/h/fields/name").status());
        assertError(api.delete("keys/h/fields/name"), 404, "no field");
        assertError(api.get("keys/h/fields"), 404, "no such key");
        assertError(api.putJson("keys/h/fields/x", "{\"a\":1}"), 400, "string or a number");
    }

    @Test
    @Tag("smoke")
    void listItems() {
        resp.call("DEL", "l");
        assertEquals(1, api.post("keys/l/items", "text/plain", "b").json().asJsonObject().getInt("length"));
        assertEquals(3, api.post("keys/l/items", "application/json", "[\"c\",\"d\"]").json().asJsonObject().getInt("length"));
        assertEquals(4, api.post("keys/l/items?end=head", "application/json", "\"a\"").json().asJsonObject().getInt("length"));
        assertEquals(List.of("a", "b", "c", "d"), strings(resp.call("LRANGE", "l", "0", "-1")));
        JsonObject page = api.get("keys/l/items?start=1&count=2").json().asJsonObject();
        assertEquals("[\"b\",\"c\"]", page.getJsonArray("items").toString());
        assertEquals(4, page.getInt("length"));
        assertTrue(page.getString("next").contains("start=3"), page.getString("next"));
        assertEquals(JsonValue.NULL, api.get("keys/l/items?start=2&count=2").json().asJsonObject().get("next"));
        assertEquals("d", api.get("keys/l/items/-1").json().asJsonObject().getString("value"));
        assertError(api.get("keys/l/items/10"), 404, "no item");
        assertEquals(204, api.put("keys/l/items/0", "text/plain", "A").status());
        assertError(api.put("keys/l/items/10", "text/plain", "x"), 404, "no item");
        assertEquals("[\"A\",\"b\"]", api.delete("keys/l/items/head?count=2").json().asJsonObject().getJsonArray("items").toString());
        assertEquals("[\"d\"]", api.delete("keys/l/items/tail").json().asJsonObject().getJsonArray("items").toString());
        assertEquals(List.of("c"), strings(resp.call("LRANGE", "l", "0", "-1")));
        api.delete("keys/l/items/tail");
        assertError(api.delete("keys/l/items/tail"), 404, "no such key");
        assertError(api.get("keys/l/items"), 404, "no such key");
        assertError(api.post("keys/l/items?end=middle", "text/plain", "x"), 400, "end");
        assertError(api.post("keys/l/items", "application/json", "[]"), 400, "empty array");
    }

    @Test
    @Tag("smoke")
    void setMembers() {
        resp.call("DEL", "s");
        assertEquals(201, api.put("keys/s/members/x", "text/plain", "").status());
        assertEquals(204, api.put("keys/s/members/x", "text/plain", "").status());
        assertEquals(201, api.put("keys/s/members/y", "text/plain", "").status());
        assertEquals(2L, resp.call("SCARD", "s"));
        assertEquals(200, api.get("keys/s/members/x").status());
        assertError(api.get("keys/s/members/z"), 404, "not a member");
        JsonObject page = api.get("keys/s/members").json().asJsonObject();
        assertEquals(2, page.getJsonArray("members").size());
        assertEquals(JsonValue.NULL, page.get("cursor"));
        assertEquals(204, api.delete("keys/s/members/x").status());
        assertError(api.delete("keys/s/members/x"), 404, "member");
    }

    @Test
    @Tag("smoke")
    void sortedSetMembers() {
        resp.call("DEL", "z");
        assertEquals(201, api.put("keys/z/scored-members/ada", "text/plain", "3").status());
        assertEquals(201, api.putJson("keys/z/scored-members/bob", "{\"score\":1.5}").status());
        assertEquals(204, api.put("keys/z/scored-members/ada?score=7", "text/plain", "").status());
        assertEquals(201, api.putJson("keys/z/scored-members/cy", "-2").status());
        assertEquals("7", resp.text("ZSCORE", "z", "ada"));
        JsonObject ada = api.get("keys/z/scored-members/ada").json().asJsonObject();
        assertEquals(7, ada.getInt("score"));
        assertEquals(2, ada.getInt("rank"));
        assertEquals("[{\"member\":\"cy\",\"score\":-2},{\"member\":\"bob\",\"score\":1.5}]",
                api.get("keys/z/scored-members?count=2").json().asJsonObject().getJsonArray("members").toString());
        assertEquals("[{\"member\":\"ada\",\"score\":7}]",
                api.get("keys/z/scored-members?count=1&order=desc").json().asJsonObject().getJsonArray("members").toString());
        assertEquals("[{\"member\":\"bob\",\"score\":1.5},{\"member\":\"ada\",\"score\":7}]",
                api.get("keys/z/scored-members?min=(-2&max=inf").json().asJsonObject().getJsonArray("members").toString());
        assertError(api.put("keys/z/scored-members/x", "text/plain", "lots"), 400, "finite number");
        assertError(api.put("keys/z/scored-members/x", "text/plain", "nan"), 400, "finite number");
        assertError(api.get("keys/z/scored-members?min=abc"), 400, "min");
        assertError(api.get("keys/z/scored-members/nobody"), 404, "not a member");
        assertEquals(204, api.delete("keys/z/scored-members/ada").status());
        assertError(api.delete("keys/z/scored-members/ada"), 404, "member");
    }

    @Test
    @Tag("smoke")
    void streamEntries() {
        resp.call("DEL", "x");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Http.Result added = api.post("keys/x/entries", "application/json", "{\"n\":\"" + i + "\",\"who\":\"ada\"}");
            assertEquals(201, added.status(), added::toString);
            String id = added.json().asJsonObject().getString("id");
            assertTrue(added.header("Location").endsWith("/api/keys/x/entries/" + id));
            ids.add(id);
        }
        assertEquals(5L, resp.call("XLEN", "x"));
        JsonObject one = api.get("keys/x/entries/" + ids.get(2)).json().asJsonObject();
        assertEquals("2", one.getJsonObject("entry").getJsonObject("fields").getString("n"));
        JsonObject page = api.get("keys/x/entries?count=2").json().asJsonObject();
        assertEquals(ids.get(1), page.getString("cursor"));
        JsonObject rest = api.get("keys/x/entries?count=10&cursor=" + ids.get(1)).json().asJsonObject();
        assertEquals(3, rest.getJsonArray("entries").size());
        assertEquals(JsonValue.NULL, rest.get("next"));
        assertEquals(204, api.delete("keys/x/entries/" + ids.get(0)).status());
        assertError(api.delete("keys/x/entries/" + ids.get(0)), 404, "no entry");
        assertEquals(2, api.delete("keys/x/entries?maxlen=2").json().asJsonObject().getInt("trimmed"));
        assertEquals(2L, resp.call("XLEN", "x"));
        assertError(api.delete("keys/x/entries"), 400, "maxlen or minid");
        assertError(api.post("keys/x/entries", "application/json", "[1]"), 400, "JSON object of fields");
        assertError(api.post("keys/x/entries", "text/plain", "n=1"), 415, "Content-Type");
        assertError(api.get("keys/x/entries?cursor=yesterday"), 400, "cursor");
    }

    @Test
    @Tag("smoke")
    void wrongTypeIs409Everywhere() {
        resp.call("SET", "str", "v");
        String[][] gets = {{"keys/str/fields"}, {"keys/str/fields/f"}, {"keys/str/items"}, {"keys/str/items/0"},
            {"keys/str/members"}, {"keys/str/members/m"}, {"keys/str/scored-members"}, {"keys/str/scored-members/m"},
            {"keys/str/entries"}, {"keys/str/entries/1-1"}};
        for (String[] path : gets) {
            assertError(api.get(path[0]), 409, "WRONGTYPE");
        }
        assertError(api.put("keys/str/fields/f", "text/plain", "v"), 409, "WRONGTYPE");
        assertError(api.post("keys/str/items", "text/plain", "v"), 409, "WRONGTYPE");
        assertError(api.delete("keys/str/items/head"), 409, "WRONGTYPE");
        assertError(api.put("keys/str/members/m", "text/plain", ""), 409, "WRONGTYPE");
        assertError(api.put("keys/str/scored-members/m", "text/plain", "1"), 409, "WRONGTYPE");
        assertError(api.post("keys/str/entries", "application/json", "{\"a\":\"1\"}"), 409, "WRONGTYPE");
        assertError(api.delete("keys/str/entries?maxlen=1"), 409, "WRONGTYPE");
        assertEquals("v", resp.text("GET", "str"));
    }

    @Test
    void pagingThroughAHashOf10000Fields() {
        fill("big-hash", "HSET", i -> List.of("field:" + i, "value:" + i));
        Set<String> seen = new HashSet<>();
        String next = "keys/big-hash?count=1000";
        int pages = 0;
        for (; next != null && pages < 1000; pages++) {
            JsonObject page = follow(next);
            assertEquals(10_000, page.getInt("length"));
            page.getJsonObject("value").forEach((field, value) -> {
                assertEquals("value:" + field.substring(6), ((jakarta.json.JsonString) value).getString());
                seen.add(field);
            });
            next = page.isNull("next") ? null : page.getString("next");
        }
        assertEquals(10_000, seen.size());
        assertTrue(pages >= 8, "pages: " + pages);
        // the fields sub-resource pages the same way
        Set<String> again = new HashSet<>();
        next = "keys/big-hash/fields?count=700";
        for (int i = 0; next != null && i < 1000; i++) {
            JsonObject page = follow(next);
            again.addAll(page.getJsonObject("fields").keySet());
            next = page.isNull("next") ? null : page.getString("next");
        }
        assertEquals(seen, again);
    }

    @Test
    void pagingThroughASortedSetOf10000Members() {
        fill("big-zset", "ZADD", i -> List.of(Integer.toString(i), "m" + i));
        List<String> members = new ArrayList<>();
        String next = "keys/big-zset?count=1000";
        for (int i = 0; next != null && i < 100; i++) {
            JsonObject page = follow(next);
            for (JsonValue m : page.getJsonArray("value")) {
                members.add(m.asJsonObject().getString("member"));
            }
            next = page.isNull("next") ? null : page.getString("next");
        }
        assertEquals(10_000, members.size());
        for (int i = 0; i < 10_000; i++) {
            assertEquals("m" + i, members.get(i));
        }
        // by score through the sub-resource, in pages of 999
        List<Integer> scores = new ArrayList<>();
        next = "keys/big-zset/scored-members?min=5000&max=inf&count=999";
        for (int i = 0; next != null && i < 100; i++) {
            JsonObject page = follow(next);
            JsonArray batch = page.getJsonArray("members");
            batch.forEach(m -> scores.add(m.asJsonObject().getInt("score")));
            next = page.isNull("next") ? null : page.getString("next");
        }
        assertEquals(5_000, scores.size());
        assertEquals(5_000, scores.get(0));
        assertEquals(9_999, scores.get(4_999));
    }

    private JsonObject follow(String next) {
        Http.Result r = next.startsWith("http") ? api.http.send(api.http.request(next).GET().build()) : api.get(next);
        assertEquals(200, r.status(), r::toString);
        return r.json().asJsonObject();
    }

    /** Fills a key with 10,000 pairs in commands of 1,000 (RESP straight to Redis). */
    private void fill(String key, String command, java.util.function.IntFunction<List<String>> pair) {
        resp.call("DEL", key);
        for (int start = 0; start < 10_000; start += 1000) {
            List<Object> words = new ArrayList<>(List.of(command, key));
            for (int i = start; i < start + 1000; i++) {
                words.addAll(pair.apply(i));
            }
            resp.call(words.toArray());
        }
    }
}
