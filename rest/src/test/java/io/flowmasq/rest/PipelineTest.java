package io.flowmasq.rest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole per-connection pipeline on an EmbeddedChannel, fed raw HTTP bytes: framing, keep-alive, limits. */
class PipelineTest {
    private final FakeNatService service = new FakeNatService();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final JsonCodec codec = new JsonCodec();

    PipelineTest() {
        JsonResponses responses = new JsonResponses(codec);
        RouterHandler router = new RouterHandler(new ApiV1(service, codec).routes(), responses);
        new RestChannelInitializer(responses, router).configure(channel.pipeline());
    }

    private List<RawResponse> exchange(String requests) {
        ByteBuf in = Unpooled.copiedBuffer(requests, StandardCharsets.ISO_8859_1);
        channel.writeInbound(in);
        assertEquals(0, in.refCnt(), "request bytes released by the pipeline");
        StringBuilder out = new StringBuilder();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; buf.release()) {
            out.append(buf.toString(StandardCharsets.UTF_8));
        }
        return RawResponse.parseAll(out.toString());
    }

    private static String get(String path, String... headers) {
        return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + String.join("", headersLines(headers)) + "\r\n";
    }

    private static List<String> headersLines(String... headers) {
        List<String> lines = new ArrayList<>();
        for (String h : headers) {
            lines.add(h + "\r\n");
        }
        return lines;
    }

    @Test
    void keepAliveServesPipelinedRequestsOnOneConnection() {
        List<RawResponse> replies = exchange(get("/api/v1/health") + get("/api/v1/stats") + get("/nope"));
        assertEquals(List.of(200, 200, 404), replies.stream().map(RawResponse::status).toList());
        assertEquals(7L, codec.decodeCounters(codec.parse(replies.get(1).body())).get("bindings_created"));
        assertTrue(channel.isOpen());
    }

    @Test
    void connectionCloseIsHonoured() {
        RawResponse reply = exchange(get("/api/v1/health", "Connection: close")).get(0);
        assertEquals(200, reply.status());
        assertEquals("close", reply.header("connection"));
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
        assertEquals("request body larger than 65536 bytes", codec.parse(replies.get(0).body()).get("error").getAsString());
        assertEquals(200, replies.get(1).status(), "body discarded, next request served");
        assertTrue(channel.isOpen());
    }

    @Test
    void bodyAtTheLimitIsAccepted() {
        int size = RestChannelInitializer.MAX_BODY_BYTES;
        String atLimit = "POST /api/v1/bindings HTTP/1.1\r\nHost: t\r\nContent-Length: " + size + "\r\n\r\n" + "x".repeat(size);
        assertEquals(405, exchange(atLimit).get(0).status(), "passes the limit, then routing says 405");
    }

    @Test
    void oversizedExpectContinueGets413WithJsonBody() {
        RawResponse reply = exchange("POST /api/v1/bindings HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                + "Content-Length: 1000000\r\n\r\n").get(0);
        assertEquals(413, reply.status());
        assertTrue(codec.parse(reply.body()).has("error"));
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
        assertTrue(codec.parse(reply.body()).has("error"));
        assertFalse(channel.isOpen());
    }
}
