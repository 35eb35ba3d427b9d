package io.flowmasq.controller.nat.vs;

import io.flowmasq.flowcompiler.Endpoint;
import java.util.Objects;

/**
 * The cumulative byte count of one virtual-server binding in one flow-stats poll: the sum of the byte counters
 * of the binding's flows (both directions), and the real server the binding goes to.
 */
public record BindingBytes(long bindingId, Endpoint server, long bytes) {
    public BindingBytes {
        Objects.requireNonNull(server, "server");
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
        }
    }
}
