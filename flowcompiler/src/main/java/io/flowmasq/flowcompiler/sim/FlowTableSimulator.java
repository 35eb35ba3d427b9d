package io.flowmasq.flowcompiler.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDelete;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.Masked;
import org.projectfloodlight.openflow.types.OFValueType;
import org.projectfloodlight.openflow.types.U64;

/**
 * A model of one OpenFlow table (the subset flowmasq uses), in the spirit of Faucet's fakeoftable:
 * tests apply the compiled messages and then ask what the switch would do with a packet, instead of
 * inspecting the messages one by one.
 */
public final class FlowTableSimulator {
    private final List<Entry> entries = new ArrayList<>();

    /** One flow entry. {@code idleTimeout} in seconds, 0 = none. */
    public record Entry(Match match, int priority, long cookie, int idleTimeout, boolean sendFlowRemoved,
                        List<OFAction> actions) {
    }

    public void applyAll(List<? extends OFMessage> messages) {
        messages.forEach(this::apply);
    }

    /** Applies a flow-mod; other messages (packet-outs, barriers) do not change the table. */
    public void apply(OFMessage message) {
        if (message instanceof OFFlowAdd) {
            add((OFFlowAdd) message);
        } else if (message instanceof OFFlowDeleteStrict) {
            OFFlowDeleteStrict d = (OFFlowDeleteStrict) message;
            // OF1.1 and later: the cookie mask narrows a strict delete too
            long mask = d.getVersion() == OFVersion.OF_10 ? 0 : d.getCookieMask().getValue();
            long want = d.getVersion() == OFVersion.OF_10 ? 0 : d.getCookie().getValue() & mask;
            entries.removeIf(e -> e.priority == d.getPriority() && e.match.equals(d.getMatch())
                    && (e.cookie & mask) == want);
        } else if (message instanceof OFFlowDelete) {
            delete((OFFlowDelete) message);
        }
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public List<Entry> entriesWithCookie(long cookie) {
        return entries.stream().filter(e -> e.cookie == cookie).toList();
    }

    /** The highest-priority entry matching the packet, as a switch would pick it. */
    public Optional<Entry> lookup(SimPacket packet) {
        return entries.stream()
                .filter(e -> matches(e.match, packet))
                .max(Comparator.comparingInt(Entry::priority));
    }

    /** Runs the packet through the table: table miss with no entry drops (OF1.3 semantics). */
    public SimResult process(SimPacket packet) {
        return lookup(packet)
                .map(e -> ActionExecutor.execute(e.actions, packet, e.cookie))
                .orElse(new SimResult(List.of(), false, null));
    }

    /** Simulates the switch expiring every entry with this cookie (as an idle timeout would). */
    public List<Entry> expire(long cookie) {
        List<Entry> gone = entriesWithCookie(cookie);
        entries.removeAll(gone);
        return gone;
    }

    private void add(OFFlowAdd add) {
        entries.removeIf(e -> e.priority == add.getPriority() && e.match.equals(add.getMatch()));
        entries.add(new Entry(add.getMatch(), add.getPriority(), add.getCookie().getValue(), add.getIdleTimeout(),
                add.getFlags().contains(OFFlowModFlags.SEND_FLOW_REM), actionsOf(add)));
    }

    private void delete(OFFlowDelete d) {
        if (d.getVersion().compareTo(OFVersion.OF_10) > 0) {
            U64 mask = d.getCookieMask();
            long want = d.getCookie().getValue() & mask.getValue();
            entries.removeIf(e -> (e.cookie & mask.getValue()) == want && covers(d.getMatch(), e.match));
        } else {
            entries.removeIf(e -> covers(d.getMatch(), e.match));
        }
    }

    /** Non-strict delete semantics: every field the delete names must be equal in the entry. */
    private static boolean covers(Match filter, Match entry) {
        for (MatchField<?> f : filter.getMatchFields()) {
            if (!Objects.equals(filter.get(f), entry.get(f))) {
                return false;
            }
        }
        return true;
    }

    static List<OFAction> actionsOf(OFFlowMod mod) {
        if (mod.getVersion() == OFVersion.OF_10) {
            return mod.getActions();
        }
        List<OFAction> actions = new ArrayList<>();
        for (OFInstruction i : mod.getInstructions()) {
            if (i instanceof OFInstructionApplyActions) {
                actions.addAll(((OFInstructionApplyActions) i).getActions());
            }
        }
        return actions;
    }

    private static boolean matches(Match match, SimPacket p) {
        for (MatchField<?> f : match.getMatchFields()) {
            if (!fieldMatches(match, f, PacketFields.value(p, f))) {
                return false;
            }
        }
        return true;
    }

    /** Exact fields compare whole values; masked ones (tcp_flags=+fin) only the bits under the mask. */
    @SuppressWarnings("unchecked")
    private static <F extends OFValueType<F>> boolean fieldMatches(Match match, MatchField<F> f, Object value) {
        if (match.isExact(f)) {
            return Objects.equals(match.get(f), value);
        }
        Masked<F> masked = match.getMasked(f);
        return value != null && masked.getValue().equals(((F) value).applyMask(masked.getMask()));
    }
}
