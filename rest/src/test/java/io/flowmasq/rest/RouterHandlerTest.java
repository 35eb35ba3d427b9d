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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.flowmasq.rest.FakeNatService.ICMP_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routing handler alone, on an EmbeddedChannel: no sockets, no HTTP framing, a clock the test moves. */
class RouterHandlerTest {
    private final FakeNatService service = new FakeNatService();
    private final JsonResponses responses = new JsonResponses(new JsonCodec());
    private final EmbeddedChannel channel = channelFor(
            new ApiV1(service, responses.codec(), null, Clock.systemUTC()).routes());

    record Reply(int status, String allow, String contentType, JsonObject body) {
    }

    private EmbeddedChannel channelFor(Routes routes) {
        EmbeddedChannel ch = new EmbeddedChannel(new RouterHandler(routes, responses, new BearerAuth(null),
                RouterHandler.ANSWER_TIMEOUT));
        ch.freezeTime();
        return ch;
    }

    private static void request(EmbeddedChannel ch, HttpMethod method, String uri) {
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        ch.writeInbound(request);
        assertEquals(0, request.refCnt(), "request released by the router");
    }

    private Reply reply(EmbeddedChannel ch) {
        FullHttpResponse response = ch.readOutbound();
        assertTrue(response != null, "a response was written");
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

    private Reply send(EmbeddedChannel ch, HttpMethod method, String uri) {
        request(ch, method, uri);
        return reply(ch);
    }

    private Reply get(String uri) {
        return send(channel, HttpMethod.GET, uri);
    }

    @Test
    void routesToTheServiceWithPathParameters() {
        Reply reply = get("/api/v1/bindings/3");
        assertEquals(200, reply.status());
        assertEquals("application/json", reply.contentType());
        assertEquals(ICMP_A, responses.codec().decodeBinding(reply.body()));
    }

    @Test
    void healthFollowsReadiness() {
        assertEquals(200, get("/api/v1/health").status());
        service.health = new HealthView(true, 1, 0);
        Reply down = get("/api/v1/health");
        assertEquals(503, down.status());
        assertEquals("unavailable", down.body().get("status").getAsString());
    }

    @Test
    void unknownPathIs404WithThePath() {
        Reply reply = get("/api/v1/nope?x=1");
        assertEquals(404, reply.status());
        assertEquals("not found", reply.body().get("error").getAsString());
        assertEquals("/api/v1/nope", reply.body().get("path").getAsString());
        assertEquals(404, get("/api/v1/health/").status(), "paths match exactly");
        assertEquals(404, get("/api/v1/bindings/").status(), "a parameter is never empty");
    }

    @Test
    void wrongMethodIs405WithAllow() {
        Reply reply = send(channel, HttpMethod.PATCH, "/api/v1/bindings/1");
        assertEquals(405, reply.status());
        assertEquals("GET, DELETE", reply.allow());
        assertEquals("PATCH", reply.body().get("method").getAsString());
        assertEquals("GET, DELETE", reply.body().get("allow").getAsString());
    }

    @Test
    void templatesMatchLiteralsFirstAndNameTheirParameters() {
        Map<String, Map<String, String>> seen = new java.util.concurrent.ConcurrentHashMap<>();
        Endpoint echo = r -> {
            seen.put(r.path(), r.pathParams());
            return Endpoint.done(ApiResponse.ok(new JsonObject()));
        };
        Routes routes = Routes.builder()
                .get("/a/{x}/c/{y}", echo).get("/a/b/c/d", echo)
                .route(HttpMethod.POST, "/r", Set.of(), Routes.Access.TOKEN, echo).get("/r", echo).build();
        EmbeddedChannel ch = channelFor(routes);
        send(ch, HttpMethod.GET, "/a/1/c/2");
        send(ch, HttpMethod.GET, "/a/b/c/d");
        assertEquals(Map.of("/a/1/c/2", Map.of("x", "1", "y", "2"), "/a/b/c/d", Map.of()), seen);
        assertEquals(404, send(ch, HttpMethod.GET, "/a/1/c").status());
        assertEquals("POST, GET", send(ch, HttpMethod.PUT, "/r").allow());
        assertEquals(Map.of("/a/{x}/c/{y}", Set.of(HttpMethod.GET), "/a/b/c/d", Set.of(HttpMethod.GET),
                "/r", Set.of(HttpMethod.POST, HttpMethod.GET)), routes.templates());
        assertThrows(IllegalArgumentException.class, () -> Routes.builder().get("/r", echo).get("/r", echo));
        assertThrows(IllegalArgumentException.class, () -> Routes.builder().get("r", echo));
        assertThrows(IllegalArgumentException.class, () -> Routes.builder().get("/a/{x}/{x}", echo));
        assertThrows(IllegalArgumentException.class, () -> Routes.builder().get("/a/{X}", echo));
        assertThrows(IllegalArgumentException.class, () -> Routes.builder().get("/a//b", echo));
    }

    @Test
    void queryParametersAreCheckedPerRoute() {
        Reply unknown = get("/api/v1/stats?verbose=1");
        assertEquals(400, unknown.status());
        assertEquals("verbose", unknown.body().get("field").getAsString());
        Reply badId = get("/api/v1/bindings/-3");
        assertEquals(400, badId.status());
        assertEquals("id", badId.body().get("field").getAsString());
        assertEquals(400, get("/api/v1/stats?x=%zz").status(), "bad percent-encoding");
    }

    @Test
    void serviceFailureIs500LoggedAndTheChannelLives() {
        service.failure = new IllegalStateException("engine exploded");
        try (LogCapture log = new LogCapture(Failures.class)) {
            Reply reply = get("/api/v1/bindings/1");
            assertEquals(500, reply.status());
            assertEquals("internal error", reply.body().get("error").getAsString());
            assertFalse(reply.body().toString().contains("exploded"), "internals stay in the log");
            ILoggingEvent event = log.events().get(0);
            assertTrue(event.getFormattedMessage().contains("GET /api/v1/bindings/1"), event.getFormattedMessage());
            assertEquals("engine exploded", event.getThrowableProxy().getMessage());
        }
        service.failure = null;
        assertTrue(channel.isOpen());
        assertEquals(200, get("/api/v1/bindings/1").status());
        assertNull(channel.readOutbound(), "one response per request");
    }

    @Test
    void aLateAnswerIsWrittenOnTheEventLoopWhenItComes() throws Exception {
        CompletableFuture<Boolean> pending = new CompletableFuture<>();
        service.onDelete = id -> pending;
        request(channel, HttpMethod.DELETE, "/api/v1/bindings/2");
        assertNull(channel.readOutbound(), "nothing until the switch answers");
        // An EmbeddedEventLoop counts every thread as its own, so the hop itself shows only on a real server.
        Thread switchThread = new Thread(() -> pending.complete(true));
        switchThread.start();
        switchThread.join();
        channel.runPendingTasks();
        Reply reply = reply(channel);
        assertEquals(200, reply.status());
        assertEquals("{\"id\":2,\"removed\":true}", reply.body().toString());
    }

    @Test
    void aSwitchThatNeverAnswersGets503AfterTenSecondsAndOnlyOnce() {
        CompletableFuture<Boolean> pending = new CompletableFuture<>();
        service.onDelete = id -> pending;
        request(channel, HttpMethod.DELETE, "/api/v1/bindings/2");
        channel.advanceTimeBy(9_999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertNull(channel.readOutbound());
        channel.advanceTimeBy(Duration.ofMillis(1).toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        Reply reply = reply(channel);
        assertEquals(503, reply.status());
        assertEquals("switch did not answer in time", reply.body().get("error").getAsString());
        pending.complete(true);
        channel.runPendingTasks();
        assertNull(channel.readOutbound(), "the late answer is not written");
    }

    @Test
    void anAnswerInTimeCancelsTheTimer() {
        CompletableFuture<Boolean> pending = new CompletableFuture<>();
        service.onDelete = id -> pending;
        request(channel, HttpMethod.DELETE, "/api/v1/bindings/2");
        pending.complete(false);
        channel.runPendingTasks();
        assertEquals(200, reply(channel).status());
        channel.advanceTimeBy(11, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertNull(channel.readOutbound(), "no 503 after the answer");
        assertEquals(List.of(2L), service.deleteCalls);
    }
}
