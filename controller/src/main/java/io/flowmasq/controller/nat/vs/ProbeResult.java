package io.flowmasq.controller.nat.vs;

import java.util.Objects;
import java.util.Optional;

/** The end of one probe, and the UP/DOWN transition it caused, if any. */
public record ProbeResult(Probe probe, ProbeOutcome outcome, Optional<HealthTransition> transition) {
    public ProbeResult {
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(transition, "transition");
    }

    /** A SYN-ACK came: the server holds a half-open connection the engine must reset (seq {@link Probe#expectedAck}). */
    public boolean needsReset() {
        return outcome == ProbeOutcome.SUCCESS;
    }
}
