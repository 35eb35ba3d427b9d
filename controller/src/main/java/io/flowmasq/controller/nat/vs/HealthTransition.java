package io.flowmasq.controller.nat.vs;

import io.flowmasq.flowcompiler.Endpoint;
import java.util.Objects;

/** A server judged UP or DOWN by its health checks, with why (for the log and the counters). */
public record HealthTransition(Endpoint server, boolean up, String reason, long at) {
    public HealthTransition {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(reason, "reason");
    }
}
