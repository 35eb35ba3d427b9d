package io.flowmasq.rest;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * How the REST server listens and whom it serves.
 *
 * @param listen address and port (port 0: any free port)
 * @param token  bearer token every request except {@code GET /api/v1/health} must carry; null: no auth
 */
public record RestSettings(InetSocketAddress listen, String token) {
    public RestSettings {
        Objects.requireNonNull(listen, "listen");
        if (token != null && token.isBlank()) {
            throw new IllegalArgumentException("token must not be blank");
        }
    }
}
