package io.flowmasq.rest;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** A started RestServer on 127.0.0.1, any port, with a fixed clock and a short switch timeout. */
final class ServerFixture implements AutoCloseable {
    static final Instant NOW = Instant.parse("2026-11-25T15:22:42.137Z");
    static final Duration TIMEOUT = Duration.ofMillis(300);

    /** A Prometheus exposition that echoes the Accept header it was given, or fails when asked to. */
    static final class FakeMetrics implements MetricsExposition {
        volatile boolean fail;

        @Override
        public String contentType(String acceptHeader) {
            return acceptHeader != null && acceptHeader.contains("openmetrics")
                    ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                    : "text/plain; version=0.0.4; charset=utf-8";
        }

        @Override
        public void writeTo(OutputStream out, String acceptHeader) throws IOException {
            if (fail) {
                throw new IOException("registry closed");
            }
            out.write(("# accept: " + acceptHeader + "\nflowmasq_bindings{protocol=\"tcp\"} 2\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    final FakeNatService service;
    final FakeMetrics metrics;
    final RestServer server;
    final TestClient client;

    ServerFixture(FakeNatService service, FakeMetrics metrics, String token) {
        this.service = service;
        this.metrics = metrics;
        this.server = new RestServer(new RestSettings(new InetSocketAddress("127.0.0.1", 0), token), service, metrics,
                Clock.fixed(NOW, ZoneOffset.UTC), TIMEOUT);
        try {
            server.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        this.client = new TestClient(server, token);
    }

    ServerFixture() {
        this(new FakeNatService(), new FakeMetrics(), null);
    }

    TestClient clientWithToken(String token) {
        return new TestClient(server, token);
    }

    @Override
    public void close() {
        server.close();
    }
}
