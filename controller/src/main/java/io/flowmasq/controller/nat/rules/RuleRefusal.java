package io.flowmasq.controller.nat.rules;

import java.util.Objects;
import java.util.Optional;

/**
 * Why a rule is refused. {@code field} names the offending field relative to the rule ({@code "public"},
 * {@code "servers[1].address"}), or is empty when the rule as a whole is at fault (its place in the chain);
 * {@code conflictsWith} is the id of the other rule involved, or null when the rule is wrong on its own
 * (REST: 409 with a conflict, 400 without).
 */
public record RuleRefusal(String field, String message, String conflictsWith) {
    public RuleRefusal {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    public static RuleRefusal of(String field, String message) {
        return new RuleRefusal(field, message, null);
    }

    public Optional<String> conflict() {
        return Optional.ofNullable(conflictsWith);
    }
}
