package io.flowmasq.controller.nat;

import io.flowmasq.flowcompiler.rules.Rule;
import java.util.Map;

/** One rule of a listing: where it is in the chain (1-based), the rule, and what it is doing now. */
public record RuleStatus(int position, Rule rule, Map<String, Object> status) {
    public RuleStatus {
        // in the runtime's order (what natctl shows first comes first), unmodifiable
        status = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(status));
    }
}
