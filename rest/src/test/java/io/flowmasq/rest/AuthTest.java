package io.flowmasq.rest;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server with a bearer token: everything but the health probe needs it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthTest {
    private static final String TOKEN = "s3cret-token";

    private final ServerFixture fixture = new ServerFixture(new FakeNatService(), new ServerFixture.FakeMetrics(), TOKEN);
    private final TestClient anonymous = fixture.clientWithToken(null);
    private final TestClient wrong = fixture.clientWithToken("s3cret-tokem");
    private final TestClient authorised = fixture.client;

    @AfterAll
    void stop() {
        fixture.close();
    }

    private static void assertRefused(TestClient.Response response, String reason) {
        assertEquals(401, response.status(), response.body());
        assertEquals("Bearer realm=\"flowmasq\"", response.header("www-authenticate"));
        assertEquals("authorization", response.field());
        assertEquals(reason, response.error());
    }

    @Test
    void everyRouteButHealthNeedsTheToken() {
        for (String path : List.of("/api/v1/bindings", "/api/v1/bindings/1", "/api/v1/switches", "/api/v1/stats",
                "/api/v1/config", "/api/v1/openapi.json", "/metrics")) {
            assertRefused(anonymous.get(path), "missing bearer token");
            assertRefused(wrong.get(path), "invalid bearer token");
            assertEquals(200, authorised.get(path).status(), path);
        }
        assertRefused(anonymous.delete("/api/v1/bindings/1"), "missing bearer token");
        assertRefused(anonymous.postJson("/api/v1/bindings", "{}"), "missing bearer token");
        assertEquals(List.of(), fixture.service.deleteCalls, "refused before reaching the service");
    }

    @Test
    void healthIsOpenToProbes() {
        assertEquals(200, anonymous.get("/api/v1/health").status());
        assertEquals(200, wrong.get("/api/v1/health").status());
    }

    @Test
    void unknownPathsAndOtherMethodsNeedTheTokenToo() {
        assertRefused(anonymous.get("/api/v2/secret-route"), "missing bearer token");
        assertEquals(404, authorised.get("/api/v2/secret-route").status());
        assertRefused(anonymous.send("PUT", "/api/v1/bindings", null, null), "missing bearer token");
        assertEquals(405, authorised.send("PUT", "/api/v1/bindings", null, null).status());
        assertRefused(anonymous.send("POST", "/api/v1/health", null, null), "missing bearer token");
    }

    @Test
    void schemeIsCaseInsensitiveAndOtherSchemesAreRefused() {
        assertEquals(200, anonymous.send("GET", "/api/v1/stats", null, null, "Authorization", "bearer " + TOKEN).status());
        assertRefused(anonymous.send("GET", "/api/v1/stats", null, null, "Authorization", "Basic " + TOKEN),
                "Authorization must be one 'Bearer <token>' header");
        assertRefused(anonymous.send("GET", "/api/v1/stats", null, null, "Authorization", "Bearer"),
                "Authorization must be one 'Bearer <token>' header");
        assertRefused(anonymous.send("GET", "/api/v1/stats", null, null, "Authorization", "Bearer " + TOKEN + "x"),
                "invalid bearer token");
    }

    @Test
    void checkItself() {
        BearerAuth auth = new BearerAuth(TOKEN);
        HttpHeaders two = new DefaultHttpHeaders().add("Authorization", "Bearer " + TOKEN)
                .add("Authorization", "Bearer " + TOKEN);
        assertTrue(auth.check(two).isPresent(), "two Authorization headers are ambiguous");
        assertTrue(auth.check(new DefaultHttpHeaders().add("Authorization", "Bearer " + TOKEN)).isEmpty());
        assertTrue(new BearerAuth(null).check(new DefaultHttpHeaders()).isEmpty(), "no token configured: open");
        assertThrows(IllegalArgumentException.class, () -> new RestSettings(fixture.server.boundAddress(), " "));
    }
}
