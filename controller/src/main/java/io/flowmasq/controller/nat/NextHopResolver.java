package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.OutsideConfig;
import io.flowmasq.controller.packet.ArpFrames;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * Keeps the next-hop router's MAC known: asks for it on start and before it expires, and holds
 * first packets briefly (bounded in number and age) while it is unknown, instead of dropping them.
 */
final class NextHopResolver {
    static final long ARP_LIFETIME_MS = 300_000;
    static final long REFRESH_MARGIN_MS = 30_000;
    static final long RETRY_MS = 1_000;
    static final long PENDING_MAX_AGE_MS = 3_000;
    static final int PENDING_MAX = 256;

    private final OutsideConfig outside;
    private final ArpCache cache;
    private final Deque<PendingPacket> pending = new ArrayDeque<>();
    private long lastRequestAt = Long.MIN_VALUE / 2;

    NextHopResolver(OutsideConfig outside, ArpCache cache) {
        this.outside = outside;
        this.cache = cache;
    }

    Optional<MacAddress> mac(long now) {
        return cache.lookup(outside.nextHop(), now);
    }

    /** An ARP request frame when one is due (never more than one per {@link #RETRY_MS}). */
    Optional<byte[]> requestIfDue(long now) {
        if (!cache.needsRefresh(outside.nextHop(), now, REFRESH_MARGIN_MS) || now - lastRequestAt < RETRY_MS) {
            return Optional.empty();
        }
        lastRequestAt = now;
        return Optional.of(ArpFrames.request(outside.mac(), outside.address(), outside.nextHop()));
    }

    /** Holds a packet; false when the queue is full (the caller drops and counts it). */
    boolean hold(PendingPacket packet) {
        if (pending.size() >= PENDING_MAX) {
            return false;
        }
        pending.addLast(packet);
        return true;
    }

    /** Takes every held packet, in arrival order (called once the MAC is known). */
    List<PendingPacket> drain() {
        List<PendingPacket> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    /** Removes and returns packets older than {@link #PENDING_MAX_AGE_MS}. */
    List<PendingPacket> expire(long now) {
        List<PendingPacket> out = new ArrayList<>();
        while (!pending.isEmpty() && now - pending.peekFirst().arrivedAt() >= PENDING_MAX_AGE_MS) {
            out.add(pending.removeFirst());
        }
        return out;
    }

    int pendingCount() {
        return pending.size();
    }
}
