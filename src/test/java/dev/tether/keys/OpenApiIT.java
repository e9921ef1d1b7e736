package dev.tether.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URL;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** /openapi validates (swagger-parser) and lists every route of Tether; the API page is served with its library. */
@TetherIT
@RunAsClient
class OpenApiIT {

    /** Every route, as "METHOD path" (HEAD and OPTIONS left out). */
    static final Set<String> ROUTES = Set.of(
            "GET /api/keys", "GET /api/keys/{key}", "PUT /api/keys/{key}", "DELETE /api/keys/{key}",
            "GET /api/keys/{key}/ttl", "PUT /api/keys/{key}/ttl", "DELETE /api/keys/{key}/ttl",
            "GET /api/keys/{key}/fields", "GET /api/keys/{key}/fields/{field}", "PUT /api/keys/{key}/fields/{field}",
            "DELETE /api/keys/{key}/fields/{field}",
            "GET /api/keys/{key}/items", "POST /api/keys/{key}/items", "GET /api/keys/{key}/items/{item}",
            "PUT /api/keys/{key}/items/{item}", "DELETE /api/keys/{key}/items/{item}",
            "GET /api/keys/{key}/members", "GET /api/keys/{key}/members/{member}",
            "PUT /api/keys/{key}/members/{member}", "DELETE /api/keys/{key}/members/{member}",
            "GET /api/keys/{key}/scored-members", "GET /api/keys/{key}/scored-members/{member}",
            "PUT /api/keys/{key}/scored-members/{member}", "DELETE /api/keys/{key}/scored-members/{member}",
            "GET /api/keys/{key}/entries", "POST /api/keys/{key}/entries", "DELETE /api/keys/{key}/entries",
            "GET /api/keys/{key}/entries/{id}", "DELETE /api/keys/{key}/entries/{id}",
            "GET /api/channels/{channel}/events", "POST /api/channels/{channel}/messages",
            "POST /redis", "GET /redis/{command}", "POST /redis/{command}", "POST /redis/pipeline",
            "POST /redis/multi-exec", "POST /redis/subscribe/{channel}", "POST /redis/psubscribe/{pattern}",
            "GET /health/live", "GET /health/ready");

    static RedisServer redis;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of("tether.redis.url", redis.url()));
    }

    @Test
    @Tag("smoke")
    void theDocumentValidatesAndListsEveryRoute() {
        Http http = new Http(Tether.base(url), null);
        Http.Result doc = http.get("/openapi");
        assertEquals(200, doc.status(), doc::toString);
        String text = withoutServerArtifacts(doc.body());

        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
        assertEquals(java.util.List.of(), result.getMessages(), () -> "the validator's messages on:\n" + text);
        OpenAPI api = result.getOpenAPI();
        assertNotNull(api);

        // WildFly writes paths with the context root ("/tether/redis"), Payara Micro puts it in the server URL
        String context = Tether.base(url).getPath().replaceAll("/$", "");
        Set<String> routes = new TreeSet<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            if (method != PathItem.HttpMethod.HEAD && method != PathItem.HttpMethod.OPTIONS) {
                String route = !context.isEmpty() && path.startsWith(context + "/") && !path.startsWith("/health")
                        ? path.substring(context.length()) : path;
                routes.add(method + " " + route);
            }
        }));
        assertEquals(new TreeSet<>(ROUTES), routes);

        for (PathItem item : api.getPaths().values()) {
            for (Operation op : item.readOperations()) {
                assertNotNull(op.getSummary(), "an operation without a summary: " + op.getOperationId());
                assertTrue(op.getResponses() != null && !op.getResponses().isEmpty(), op.getSummary());
            }
        }
        // examples, for the resources and the static part alike
        assertTrue(!path(api, context, "/api/keys/{key}").getPut().getRequestBody().getContent()
                .get("application/json").getExamples().isEmpty(), "no typed PUT example");
        assertNotNull(path(api, context, "/redis").getPost().getRequestBody().getContent()
                .get("application/json").getExample(), "no /redis example");
        assertNotNull(api.getComponents().getSecuritySchemes().get("bearer"));
    }

    @Test
    void theApiPageServesItsVendoredLibrary() {
        Http http = new Http(Tether.base(url), null);
        Http.Result page = http.get("api.html");
        assertEquals(200, page.status());
        Matcher script = Pattern.compile("src=\"(webjars/swagger-ui/[^\"]+\\.js)\"").matcher(page.body());
        assertTrue(script.find(), "api.html loads no Swagger UI script");
        Http.Result library = http.get(script.group(1));
        assertEquals(200, library.status(), "the vendored library is not in the WAR: " + script.group(1));
        assertTrue(library.bytes().length > 100_000);
        assertTrue(http.get("index.html").body().contains("api.html"), "the chat page does not link the API page");
    }

    /** A path item, with or without the context root the server may have put in front. */
    static PathItem path(OpenAPI api, String context, String path) {
        PathItem item = api.getPaths().get(path);
        return item != null ? item : api.getPaths().get(context + path);
    }

    /**
     * What the servers add that OpenAPI 3.0 does not allow, taken out before validating (anything else the
     * validator reports fails the test): Payara Micro 6's top-level {@code endpoints} object (the deployment's
     * endpoints), WildFly 39's empty {@code externalDocs: {}} and {@code license: {}} objects.
     */
    static String withoutServerArtifacts(String yaml) {
        return yaml.replaceAll("(?m)^endpoints:\\n((  |- ).*\\n)+", "")
                .replaceAll("(?m)^externalDocs: \\{}\\n", "")
                .replaceAll("(?m)^  license: \\{}\\n", "");
    }
}
