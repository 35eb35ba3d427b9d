package io.flowmasq.rest;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.google.gson.JsonObject;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static io.flowmasq.rest.FakeNatService.ICMP_A;
import static io.flowmasq.rest.FakeNatService.TCP_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routing handler alone, on an EmbeddedChannel: no sockets, no HTTP framing. */
class RouterHandlerTest {
    private final FakeNatService service = new FakeNatService();
    private final JsonResponses responses = new JsonResponses(new JsonCodec());
    private final EmbeddedChannel channel = channelFor(new ApiV1(service, responses.codec()).routes());

    record Reply(int status, String allow, String contentType, JsonObject body) {
    }

    private EmbeddedChannel channelFor(Routes routes) {
        return new EmbeddedChannel(new RouterHandler(routes, responses));
    }

    private Reply send(EmbeddedChannel ch, HttpMethod method, String uri) {
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        ch.writeInbound(request);
        assertEquals(0, request.refCnt(), "request released by the router");
        FullHttpResponse response = ch.readOutbound();
        try {
            String text = response.content().toString(StandardCharsets.UTF_8);
            assertEquals(text.getBytes(StandardCharsets.UTF_8).length,
                    response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH));
            return new Reply(response.status().code(), response.headers().get(HttpHeaderNames.ALLOW),
                    response.headers().get(HttpHeaderNames.CONTENT_TYPE), responses.codec().parse(text));
        } finally {
            response.release();
        }
    }

    private Reply get(String uri) {
        return send(channel, HttpMethod.GET, uri);
    }

    @Test
    void routesToTheServiceAndAppliesFilters() {
        Reply reply = get("/api/v1/bindings?inside=10.0.0.5&proto=icmp");
        assertEquals(200, reply.status());
        assertEquals("application/json", reply.contentType());
        assertEquals(List.of(ICMP_A), responses.codec().decodeBindings(reply.body()));
        assertEquals(1, reply.body().get("count").getAsInt());
    }

    @Test
    void healthFollowsReadiness() {
        assertEquals(200, get("/api/v1/health").status());
        service.ready = false;
        Reply starting = get("/api/v1/health");
        assertEquals(503, starting.status());
        assertEquals("starting", starting.body().get("status").getAsString());
    }

    @Test
    void unknownPathIs404WithThePath() {
        Reply reply = get("/api/v1/nope?x=1");
        assertEquals(404, reply.status());
        assertEquals("not found", reply.body().get("error").getAsString());
        assertEquals("/api/v1/nope", reply.body().get("path").getAsString());
        assertEquals(404, get("/api/v1/health/").status(), "paths match exactly");
    }

    @Test
    void wrongMethodIs405WithAllow() {
        Reply reply = send(channel, HttpMethod.DELETE, "/api/v1/bindings");
        assertEquals(405, reply.status());
        assertEquals("GET", reply.allow());
        assertEquals("DELETE", reply.body().get("method").getAsString());
        assertEquals("method not allowed", reply.body().get("error").getAsString());
    }

    @Test
    void allowListsEveryMethodOfThePath() {
        Endpoint echo = r -> ApiResponse.ok(new JsonObject());
        Routes routes = Routes.builder().get("/r", echo).route(HttpMethod.POST, "/r", Set.of(), echo).build();
        assertEquals("GET, POST", send(channelFor(routes), HttpMethod.PUT, "/r").allow());
        assertThrows(IllegalArgumentException.class, () -> Routes.builder().get("/r", echo).get("/r", echo));
        assertThrows(IllegalArgumentException.class, () -> Routes.builder().get("r", echo));
    }

    @Test
    void queryParametersAreCheckedPerRoute() {
        Reply unknown = get("/api/v1/stats?verbose=1");
        assertEquals(400, unknown.status());
        assertEquals("verbose", unknown.body().get("field").getAsString());
        Reply badValue = get("/api/v1/bindings?switch=core");
        assertEquals(400, badValue.status());
        assertEquals("switch", badValue.body().get("field").getAsString());
        assertEquals(400, get("/api/v1/bindings?inside=%zz").status(), "bad percent-encoding");
    }

    @Test
    void serviceFailureIs500LoggedAndTheChannelLives() {
        IllegalStateException boom = new IllegalStateException("engine exploded");
        service.failure = boom;
        try (LogCapture log = new LogCapture(RouterHandler.class)) {
            Reply reply = get("/api/v1/bindings");
            assertEquals(500, reply.status());
            assertEquals("internal error", reply.body().get("error").getAsString());
            assertFalse(reply.body().toString().contains("exploded"), "internals stay in the log");
            ILoggingEvent event = log.events().get(0);
            assertTrue(event.getFormattedMessage().contains("GET /api/v1/bindings"), event.getFormattedMessage());
            assertEquals("engine exploded", event.getThrowableProxy().getMessage());
        }
        service.failure = null;
        assertTrue(channel.isOpen());
        assertEquals(List.of(TCP_A), responses.codec().decodeBindings(get("/api/v1/bindings?proto=tcp").body()));
        assertSame(null, channel.readOutbound(), "one response per request");
    }
}
