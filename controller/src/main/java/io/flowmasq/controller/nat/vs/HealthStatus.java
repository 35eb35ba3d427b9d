package io.flowmasq.controller.nat.vs;

import io.flowmasq.flowcompiler.Endpoint;
import java.util.Optional;

/** What the health checker knows of one server, at one moment. */
public record HealthStatus(Endpoint server, boolean up, int failuresInRow, int successesInRow, long probes,
                           long failures, Optional<ProbeOutcome> last) {
}
