package io.flowmasq.controller.nat;

import io.flowmasq.controller.packet.PacketParser;
import java.util.Arrays;
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
 *
 * <p>A ring in creation order (oldest at {@code head}) rather than a map by id: remembering runs for every new
 * binding and a map's node and boxed key per binding showed in the load generator's profile, while taking one
 * (a TABLE_FULL error) is rare and may scan and close the gap.
 */
final class FirstPackets {
    static final int CAPACITY = 1024;
    static final long KEEP_MS = 5_000;

    /** Where the packet came in and its first bytes (Ethernet, IP header, 8 bytes of payload). */
    record First(OFPort inPort, byte[] head, long at) {
    }

    private final int capacity;
    private final long[] ids;
    private final First[] firsts;
    private int head;
    private int size;

    private FirstPackets(int capacity) {
        this.capacity = capacity;
        this.ids = new long[capacity];
        this.firsts = new First[capacity];
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
        if (size >= capacity) {
            dropOldest();
        }
        int ihl = (frame[PacketParser.ETH_HEADER] & 0x0f) * 4;
        int keep = Math.min(frame.length, PacketParser.ETH_HEADER + ihl + 8);
        int at = slot(size);
        ids[at] = id;
        firsts[at] = new First(inPort, Arrays.copyOf(frame, keep), now);
        size++;
    }

    /** The first packet of binding {@code id}, forgotten as it is handed out; empty when not (or no longer) kept. */
    Optional<First> take(long id, long now) {
        expire(now);
        for (int k = 0; k < size; k++) {
            if (ids[slot(k)] == id) {
                First first = firsts[slot(k)];
                for (int j = k; j < size - 1; j++) { // close the gap: the ones after it move one place back
                    ids[slot(j)] = ids[slot(j + 1)];
                    firsts[slot(j)] = firsts[slot(j + 1)];
                }
                firsts[slot(size - 1)] = null;
                size--;
                return Optional.of(first);
            }
        }
        return Optional.empty();
    }

    int size() {
        return size;
    }

    private void expire(long now) {
        while (size > 0 && now - firsts[head].at() >= KEEP_MS) {
            dropOldest();
        }
    }

    private void dropOldest() {
        firsts[head] = null;
        head = head + 1 == capacity ? 0 : head + 1;
        size--;
    }

    /** The array index of the {@code k}th oldest entry. */
    private int slot(int k) {
        int at = head + k;
        return at >= capacity ? at - capacity : at;
    }
}
