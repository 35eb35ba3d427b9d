package io.flowmasq.controller.nat;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * What one rebuild of a switch's binding table from its flows decided.
 *
 * @param flows    flows in the switch's reply (all of them, ours or not)
 * @param adopted  bindings found on the switch and taken over (both flows there)
 * @param kept     bindings the engine already had whose flows were there as it expected
 * @param repaired bindings whose missing or out-of-date flow was installed again
 * @param removed  bindings (or stray flows) deleted from the switch, by reason
 * @param released bindings the engine had whose flows the switch no longer has
 */
public record RebuildSummary(int flows, int adopted, int kept, int repaired, Map<String, Integer> removed,
                             int released) {
    public RebuildSummary {
        removed = Map.copyOf(new TreeMap<>(removed));
    }

    public int removedTotal() {
        return removed.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The operator's line: "adopted A, kept K, repaired R, removed D (reasons), released L stale". */
    public String describe() {
        StringJoiner reasons = new StringJoiner(", ");
        new TreeMap<>(removed).forEach((why, n) -> reasons.add(why + " " + n));
        return "adopted " + adopted + ", kept " + kept + ", repaired " + repaired + ", removed " + removedTotal()
                + (removed.isEmpty() ? "" : " (" + reasons + ")") + ", released " + released + " stale";
    }
}
