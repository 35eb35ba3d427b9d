package io.flowmasq.rest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole per-connection pipeline on an EmbeddedChannel, fed raw HTTP bytes: framing, ordering, limits. */
class PipelineTest {
    private final FakeNatService service = new FakeNatService();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final JsonCodec codec = new JsonCodec();
    private final List<Integer> outboundSizes = new ArrayList<>();

    PipelineTest() {
        JsonResponses responses = new JsonResponses(codec);
        Clock clock = Clock.fixed(Instant.parse("2026-11-25T15:22:42Z"), ZoneOffset.UTC);
        RouterHandler router = new RouterHandler(new ApiV1(service, codec, null, clock).routes(), responses,
                new BearerAuth(null), Duration.ofSeconds(10));
        new RestChannelInitializer(responses, router).configure(channel.pipeline());
    }

    private List<RawResponse> exchange(String requests) {
        ByteBuf in = Unpooled.copiedBuffer(requests, StandardCharsets.ISO_8859_1);
        channel.writeInbound(in);
        assertEquals(0, in.refCnt(), "request bytes released by the pipeline");
        return responses();
    }

    private List<RawResponse> responses() {
        channel.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; buf.release()) {
            outboundSizes.add(buf.readableBytes());
            out.append(buf.toString(StandardCharsets.UTF_8));
        }
        return RawResponse.parseAll(out.toString());
    }

    private static String get(String path, String... headers) {
        return request("GET", path, headers);
    }

    private static String request(String method, String path, String... headers) {
        StringBuilder r = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: test\r\n");
        for (String h : headers) {
            r.append(h).append("\r\n");
        }
        return r.append("\r\n").toString();
    }

    @Test
    void keepAliveServesPipelinedRequestsOnOneConnection() {
        List<RawResponse> replies = exchange(get("/api/v1/health") + get("/api/v1/stats") + get("/nope"));
        assertEquals(List.of(200, 200, 404), replies.stream().map(RawResponse::status).toList());
        assertEquals(7L, codec.decodeStats(codec.parse(replies.get(1).body())).counters().get("nat.binding_created"));
        assertTrue(channel.isOpen());
    }

    @Test
    void pipelinedAnswersKeepTheirOrderWhenTheFirstWaitsForASwitch() {
        CompletableFuture<Boolean> pending = new CompletableFuture<>();
        service.onDelete = id -> pending;
        assertEquals(List.of(), exchange(request("DELETE", "/api/v1/bindings/2") + get("/api/v1/health")
                + get("/api/v1/stats")), "the health check waits behind the delete");
        assertFalse(channel.config().isAutoRead(), "no more reading while requests are held");
        pending.complete(true);
        List<RawResponse> replies = responses();
        assertEquals(List.of(200, 200, 200), replies.stream().map(RawResponse::status).toList());
        assertEquals("{\"id\":2,\"removed\":true}", replies.get(0).body());
        assertTrue(replies.get(1).body().contains("\"ready\":true"));
        assertTrue(channel.config().isAutoRead(), "reading resumes");
        assertEquals(List.of(2L), service.deleteCalls);
    }

    @Test
    void aStreamedListingIsChunkedAndFollowedInOrder() {
        service.bindings = LongStream.rangeClosed(1, 10_000).mapToObj(BindingsReadTest::numbered).toList();
        List<RawResponse> replies = exchange(get("/api/v1/bindings?limit=10000") + get("/api/v1/health"));
        assertEquals(2, replies.size());
        RawResponse listing = replies.get(0);
        assertEquals("chunked", listing.header("transfer-encoding"));
        assertEquals(10_000, codec.decodeBindings(codec.parse(listing.body())).size());
        assertTrue(listing.chunks() >= 10_000 / BindingsStream.MAX_BINDINGS_PER_CHUNK, "chunks: " + listing.chunks());
        // Bounded pieces: no write much beyond one chunk's worth of text.
        int largest = outboundSizes.stream().mapToInt(Integer::intValue).max().orElse(0);
        assertTrue(largest < BindingsStream.MAX_CHARS_PER_CHUNK + 4096, "largest write " + largest);
        assertEquals(200, replies.get(1).status());
        assertTrue(channel.isOpen());
    }

    @Test
    void http10ListingEndsByClosingTheConnection() {
        List<RawResponse> replies = exchange("GET /api/v1/bindings HTTP/1.0\r\n\r\n");
        RawResponse listing = replies.get(0);
        assertEquals(200, listing.status());
        assertEquals(null, listing.header("transfer-encoding"));
        assertEquals(4, codec.parse(listing.body()).get("count").getAsInt());
        assertFalse(channel.isOpen());
    }

    @Test
    void connectionCloseIsHonoured() {
        RawResponse reply = exchange(get("/api/v1/health", "Connection: close")).get(0);
        assertEquals(200, reply.status());
        assertEquals("close", reply.header("connection"));
        assertFalse(channel.isOpen());
    }

    @Test
    void connectionCloseAfterAStreamedListing() {
        RawResponse reply = exchange(get("/api/v1/bindings", "Connection: close")).get(0);
        assertEquals(4, codec.parse(reply.body()).get("count").getAsInt());
        assertFalse(channel.isOpen());
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() {
        RawResponse kept = exchange("GET /api/v1/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").get(0);
        assertEquals("keep-alive", kept.header("connection"));
        assertTrue(channel.isOpen());
        assertEquals(200, exchange("GET /api/v1/health HTTP/1.0\r\n\r\n").get(0).status());
        assertFalse(channel.isOpen());
    }

    @Test
    void oversizedBodyIs413AndTheConnectionStaysUsable() {
        int size = RestChannelInitializer.MAX_BODY_BYTES + 1;
        String big = "POST /api/v1/bindings HTTP/1.1\r\nHost: t\r\nContent-Length: " + size + "\r\n\r\n" + "x".repeat(size);
        List<RawResponse> replies = exchange(big + get("/api/v1/health"));
        assertEquals(413, replies.get(0).status());
        assertEquals("application/json", replies.get(0).header("content-type"));
        assertEquals("{\"error\":\"request body larger than 65536 bytes\",\"field\":\"body\"}", replies.get(0).body());
        assertEquals(200, replies.get(1).status(), "body discarded, next request served");
        assertTrue(channel.isOpen());
    }

    @Test
    void bodyAtTheLimitIsAccepted() {
        int size = RestChannelInitializer.MAX_BODY_BYTES;
        String atLimit = "POST /api/v1/bindings HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + size + "\r\n\r\n" + " ".repeat(size - 2) + "[]";
        RawResponse reply = exchange(atLimit).get(0);
        assertEquals(400, reply.status(), "passes the limit, then the body is read: not an object");
        assertEquals("body", codec.parse(reply.body()).get("field").getAsString());
    }

    @Test
    void oversizedExpectContinueGets413WithJsonBody() {
        RawResponse reply = exchange("POST /api/v1/bindings HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                + "Content-Length: 1000000\r\n\r\n").get(0);
        assertEquals(413, reply.status());
        assertTrue(codec.parse(reply.body()).has("error"));
    }

    @Test
    void expectContinueThenTheBody() {
        String body = "{\"protocol\":\"udp\",\"inside\":\"10.0.0.9:53\",\"public\":\"203.0.113.1:5300\"}";
        List<RawResponse> first = exchange("POST /api/v1/bindings HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n");
        assertEquals(List.of(100), first.stream().map(RawResponse::status).toList());
        RawResponse created = exchange(body + get("/api/v1/health")).get(0);
        assertEquals(201, created.status());
        assertEquals("/api/v1/bindings/6", created.header("location"));
    }

    @Test
    void malformedRequestIs400AndCloses() {
        RawResponse reply = exchange("GET /api/v1/health HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n").get(0);
        assertEquals(400, reply.status());
        assertEquals("malformed HTTP request", codec.parse(reply.body()).get("error").getAsString());
        assertFalse(channel.isOpen());
    }

    @Test
    void idleConnectionIsClosed() {
        IdleStateHandler idle = (IdleStateHandler) channel.pipeline().get("idle");
        assertEquals(RestChannelInitializer.IDLE_SECONDS * 1000L, idle.getAllIdleTimeInMillis());
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertFalse(channel.isOpen());
    }

    @Test
    void overlongRequestLineIs414() {
        RawResponse reply = exchange(get("/api/v1/bindings?inside=" + "1".repeat(5000))).get(0);
        assertEquals(414, reply.status());
        assertEquals("uri", codec.parse(reply.body()).get("field").getAsString());
        assertFalse(channel.isOpen());
    }

    @Test
    void heldRequestsAreReleasedWhenTheConnectionCloses() {
        service.onDelete = id -> new CompletableFuture<>();
        ByteBuf in = Unpooled.copiedBuffer(request("DELETE", "/api/v1/bindings/2") + request("POST",
                "/api/v1/bindings", "Content-Type: application/json", "Content-Length: 2") + "{}",
                StandardCharsets.ISO_8859_1);
        channel.writeInbound(in);
        assertEquals(1, in.refCnt(), "the held body is a slice of the input");
        assertEquals(List.of(), responses());
        assertFalse(channel.finishAndReleaseAll(), "nothing left unread");
        assertEquals(0, in.refCnt(), "released with the connection");
    }
}
