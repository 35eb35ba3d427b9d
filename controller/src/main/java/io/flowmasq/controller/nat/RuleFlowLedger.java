package io.flowmasq.controller.nat;

import io.flowmasq.flowcompiler.FlowCompiler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFMessage;

/**
 * The flows one rule has installed, by a key of the rule's choosing, so that they can be deleted one by one
 * where a cookie-masked delete is not available (OpenFlow 1.0 ignores cookies when deleting).
 */
final class RuleFlowLedger<K> {
    private final Map<K, List<OFFlowMod>> flows = new LinkedHashMap<>();

    /** Records the flow-mods among {@code messages} under {@code key} and returns the messages. */
    List<OFMessage> record(K key, List<OFMessage> messages) {
        List<OFFlowMod> mods = new ArrayList<>();
        for (OFMessage m : messages) {
            if (m instanceof OFFlowMod mod) {
                mods.add(mod);
            }
        }
        flows.put(key, mods);
        return messages;
    }

    /** Forgets every flow without deleting any (the switch reconnected; what it has is sent again). */
    void clear() {
        flows.clear();
    }

    /** Strict deletes of the flows recorded under {@code key}, which is forgotten. */
    List<OFMessage> delete(FlowCompiler compiler, K key) {
        List<OFFlowMod> mods = flows.remove(key);
        return mods == null ? List.of() : deletes(compiler, mods);
    }

    /**
     * Deletes of every recorded flow: the rule's cookie-masked delete where the switch has one ({@code masked}),
     * else one strict delete per flow. The ledger is emptied.
     */
    List<OFMessage> deleteAll(FlowCompiler compiler, Optional<List<OFMessage>> masked) {
        List<OFMessage> out = new ArrayList<>();
        if (masked.isPresent()) {
            out.addAll(masked.get());
        } else {
            flows.values().forEach(mods -> out.addAll(deletes(compiler, mods)));
        }
        flows.clear();
        return out;
    }

    private static List<OFMessage> deletes(FlowCompiler compiler, List<OFFlowMod> mods) {
        List<OFMessage> out = new ArrayList<>();
        for (OFFlowMod m : mods) {
            out.addAll(compiler.deleteFlow(m.getCookie(), m.getPriority(), m.getMatch()));
        }
        return out;
    }
}
