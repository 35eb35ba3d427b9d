package io.flowmasq.controller.config;

import java.util.Objects;

/** An address and TCP port to listen on. Port 0 means "any free port" (tests use it). */
public record ListenConfig(String address, int port) {
    public ListenConfig {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
