package io.flowmasq.flowcompiler;

import java.util.Objects;
import org.projectfloodlight.openflow.types.U64;

/**
 * What is stamped on every flow-mod flowmasq sends: cookie ({@link Cookies}), priority
 * ({@link Priorities}), idle timeout in seconds (0 = none) and whether the switch reports removal.
 * No hard timeouts: a binding ends when it goes idle, never at a fixed age.
 */
public record FlowStamp(U64 cookie, int priority, int idleTimeout, boolean sendFlowRemoved) {
    public FlowStamp {
        Objects.requireNonNull(cookie, "cookie");
        if (priority < 0 || priority > 65535) {
            throw new IllegalArgumentException("priority out of range: " + priority);
        }
        if (idleTimeout < 0 || idleTimeout > 65535) {
            throw new IllegalArgumentException("idle timeout out of range: " + idleTimeout);
        }
    }

    public static FlowStamp pipeline(int priority) {
        return new FlowStamp(Cookies.PIPELINE, priority, 0, false);
    }
}
