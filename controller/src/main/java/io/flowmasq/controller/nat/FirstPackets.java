package io.flowmasq.controller.nat;

import io.flowmasq.controller.packet.PacketParser;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The start of the first packet of each recently created binding: what an ICMP error about it must quote
 * if the switch refuses the binding's flows (TABLE_FULL arrives a round trip after the packet went out).
 *
 * <p>Kept rather than rebuilt from the binding: under endpoint-independent filtering a binding does not
 * know where its first packet went, and Linux matches an ICMP error to its socket by the quoted addresses
 * and ports, and for TCP also checks that the quoted sequence number is one it has sent. Only the Ethernet
 * header, the IP header and 8 bytes of it are kept (at most 82 bytes), for at most {@link #KEEP_MS} and
 * the last {@link #CAPACITY} bindings: an error later than that is answered without ICMP.
 */
final class FirstPackets {
    static final int CAPACITY = 1024;
    static final long KEEP_MS = 5_000;

    /** Where the packet came in and its first bytes (Ethernet, IP header, 8 bytes of payload). */
    record First(OFPort inPort, byte[] head, long at) {
    }

    private final int capacity;
    private final Map<Long, First> byBinding = new LinkedHashMap<>(); // in creation order, so oldest first

    private FirstPackets(int capacity) {
        this.capacity = capacity;
    }

    static FirstPackets keeping() {
        return new FirstPackets(CAPACITY);
    }

    /** Keeps nothing (policy "drop": no ICMP, so no copy on the packet path). */
    static FirstPackets none() {
        return new FirstPackets(0);
    }

    /** Records the first packet of binding {@code id}; {@code frame} is an Ethernet/IPv4 frame that parsed. */
    void remember(long id, OFPort inPort, byte[] frame, long now) {
        if (capacity == 0) {
            return;
        }
        expire(now);
        if (byBinding.size() >= capacity) {
            Iterator<First> oldest = byBinding.values().iterator();
            oldest.next();
            oldest.remove();
        }
        int ihl = (frame[PacketParser.ETH_HEADER] & 0x0f) * 4;
        int keep = Math.min(frame.length, PacketParser.ETH_HEADER + ihl + 8);
        byBinding.put(id, new First(inPort, Arrays.copyOf(frame, keep), now));
    }

    /** The first packet of binding {@code id}, forgotten as it is handed out; empty when not (or no longer) kept. */
    Optional<First> take(long id, long now) {
        expire(now);
        return Optional.ofNullable(byBinding.remove(id));
    }

    int size() {
        return byBinding.size();
    }

    private void expire(long now) {
        for (Iterator<First> it = byBinding.values().iterator(); it.hasNext(); ) {
            if (now - it.next().at() < KEEP_MS) {
                return;
            }
            it.remove();
        }
    }
}
