package io.flowmasq.flowcompiler.sim;

import java.util.List;

/**
 * What the switch did with a packet: the copies it output (port and rewritten headers), whether it
 * sent the packet to the controller, and the cookie of the flow that matched (null on no match).
 */
public record SimResult(List<Output> outputs, boolean toController, Long cookie) {
    public SimResult {
        outputs = List.copyOf(outputs);
    }

    public boolean dropped() {
        return outputs.isEmpty() && !toController;
    }

    /** The single output, failing loudly when there is not exactly one. */
    public Output only() {
        if (outputs.size() != 1) {
            throw new AssertionError("expected exactly one output, got " + outputs + (toController ? " (+controller)" : ""));
        }
        return outputs.get(0);
    }

    public record Output(int port, SimPacket packet) {
    }
}
