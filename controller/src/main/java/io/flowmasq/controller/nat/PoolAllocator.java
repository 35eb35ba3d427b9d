package io.flowmasq.controller.nat;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Leases the addresses of one pool rule for basic NAT (RFC 2663 §4.1.1, RFC 3022 §2.1): an inside host
 * gets a public address to itself, for all its sessions (paired pooling, RFC 4787 REQ-2), for as long as it
 * has bindings. Ports are kept: the address serves one host only, so the host's own port is free there by
 * construction.
 *
 * <p><b>Life of a lease.</b> {@link #lease} hands the host its address (its current one, or a free one);
 * the engine then calls {@link #retain} once per binding it creates with that address and {@link #release}
 * once per binding removed. When the count drops to 0 the address returns to the pool. A lease that no
 * binding retains (the binding it was taken for could not be created) is handed back with {@link #cancel}.
 * After a controller restart, {@link #adopt} rebuilds the leases from the bindings found on the switch.
 *
 * <p><b>Reuse delay</b> (as for ports, RFC 7857 §3.3.2): a returned address cools for
 * {@code reuseDelayMillis} before another host gets it, so late packets for the old host never reach a
 * different one. The host that held it may have it back at once (nothing of a third party is in flight).
 *
 * <p><b>Choice.</b> A host without a lease first gets its previous address back when that is still unleased
 * (cooling or not): its peers keep seeing the same address. Otherwise it gets the address that has been
 * unleased longest (never-used addresses first, in the rule's order), which also keeps other hosts'
 * previous addresses free as long as possible. The unleased addresses are a queue in release order,
 * which with a clock that never goes back is expiry order: only the head is looked at, O(1).
 *
 * <p><b>Exhaustion.</b> When every address is leased or cooling, {@link #lease} is empty; a live lease is
 * never taken away (the engine falls back to NAPT or refuses the flow).
 *
 * <p>Not thread-safe: the engine that owns it serialises calls.
 */
public final class PoolAllocator {
    private static final long NEVER = Long.MIN_VALUE;

    private final List<IPv4Address> addresses;
    private final Map<IPv4Address, Integer> index = new HashMap<>();
    private final long reuseDelayMillis;
    /** Per address index: the host holding it, or null. */
    private final IPv4Address[] holder;
    /** Per address index: when it was last returned, or {@link #NEVER}. */
    private final long[] releasedAt;
    /** Per address index: the host that last held it, while that host may still have it back early. */
    private final IPv4Address[] lastHolder;
    /** Unleased address indexes, longest unleased first (insertion order). */
    private final LinkedHashSet<Integer> unleased = new LinkedHashSet<>();
    private final Map<IPv4Address, Lease> leases = new HashMap<>();
    /** Host → the address it returned last, while it is that address's {@link #lastHolder}. */
    private final Map<IPv4Address, Integer> previous = new HashMap<>();

    /** A host's address and how many bindings use it. */
    private static final class Lease {
        final int address;
        int references;

        Lease(int address) {
            this.address = address;
        }
    }

    /**
     * {@code addresses}: the pool (a rule's expanded addresses, no duplicates);
     * {@code reuseDelayMillis}: how long a returned address is kept from other hosts.
     */
    public PoolAllocator(List<IPv4Address> addresses, long reuseDelayMillis) {
        Objects.requireNonNull(addresses, "addresses");
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a pool needs at least one address");
        }
        if (reuseDelayMillis < 0) {
            throw new IllegalArgumentException("negative reuse delay " + reuseDelayMillis);
        }
        this.addresses = List.copyOf(addresses);
        this.reuseDelayMillis = reuseDelayMillis;
        int n = this.addresses.size();
        holder = new IPv4Address[n];
        lastHolder = new IPv4Address[n];
        releasedAt = new long[n];
        for (int i = 0; i < n; i++) {
            if (index.put(this.addresses.get(i), i) != null) {
                throw new IllegalArgumentException("pool address " + this.addresses.get(i) + " listed twice");
            }
            releasedAt[i] = NEVER;
            unleased.add(i);
        }
    }

    /**
     * The host's address: its current lease if it has one, else its previous address when unleased, else
     * the longest-unleased address out of its cooling time; empty when none is left (nothing is evicted).
     * A new lease has no references yet: {@link #retain} it per binding, or {@link #cancel} it.
     */
    public Optional<IPv4Address> lease(IPv4Address insideHost, long now) {
        Lease current = leases.get(insideHost);
        if (current != null) {
            return Optional.of(addresses.get(current.address));
        }
        Integer own = previous.get(insideHost);
        if (own != null) {
            take(insideHost, own);
            return Optional.of(addresses.get(own));
        }
        Iterator<Integer> oldest = unleased.iterator();
        if (!oldest.hasNext()) {
            return Optional.empty();
        }
        int i = oldest.next();
        if (cooling(i, now)) {
            return Optional.empty(); // the head returned last-but-longest ago: all others cool longer
        }
        take(insideHost, i);
        return Optional.of(addresses.get(i));
    }

    /** One more binding uses the host's lease. Fails when the host has no lease (an engine bug). */
    public void retain(IPv4Address host) {
        Lease lease = leases.get(host);
        if (lease == null) {
            throw new IllegalStateException("host " + host + " holds no pool address");
        }
        lease.references++;
    }

    /**
     * One binding of the host is gone; with its last one the address returns to the pool (cooling for
     * other hosts). False, a no-op, when the host has no lease or no binding retains it; the lease's end
     * shows as {@link #leaseOf} turning empty.
     */
    public boolean release(IPv4Address host, long now) {
        Lease lease = leases.get(host);
        if (lease == null || lease.references == 0) {
            return false;
        }
        if (--lease.references == 0) {
            giveBack(host, lease, now);
        }
        return true;
    }

    /**
     * Hands back a lease no binding retains (the binding it was leased for was not created); false when
     * the host has no lease or bindings still use it.
     */
    public boolean cancel(IPv4Address host, long now) {
        Lease lease = leases.get(host);
        if (lease == null || lease.references != 0) {
            return false;
        }
        giveBack(host, lease, now);
        return true;
    }

    /**
     * Re-establishes a lease from a binding found on the switch (controller restart): counts as that
     * binding's {@link #retain}, so call it once per binding and do not retain it again. Takes the address
     * even while it cools (the switch already uses it). False, changing nothing, when the address is not in
     * the pool, is leased to another host, or the host already holds another address.
     */
    public boolean adopt(IPv4Address host, IPv4Address address) {
        Integer i = index.get(address);
        if (i == null) {
            return false;
        }
        Lease current = leases.get(host);
        if (current != null) {
            if (current.address != i) {
                return false;
            }
            current.references++;
            return true;
        }
        if (holder[i] != null) {
            return false;
        }
        take(host, i).references++;
        return true;
    }

    /** The address the host holds, if any. */
    public Optional<IPv4Address> leaseOf(IPv4Address host) {
        Lease lease = leases.get(host);
        return lease == null ? Optional.empty() : Optional.of(addresses.get(lease.address));
    }

    /** How many bindings retain the host's lease (0 with no lease). */
    public int references(IPv4Address host) {
        Lease lease = leases.get(host);
        return lease == null ? 0 : lease.references;
    }

    /** True when {@code address} is one of the pool's. */
    public boolean owns(IPv4Address address) {
        return index.containsKey(address);
    }

    /** The host holding {@code address}, if it is one of the pool's and leased. */
    public Optional<IPv4Address> holderOf(IPv4Address address) {
        Integer i = index.get(address);
        return i == null ? Optional.empty() : Optional.ofNullable(holder[i]);
    }

    /** The pool's addresses, in the rule's order. */
    public List<IPv4Address> addresses() {
        return addresses;
    }

    /** Host → address of every lease (a copy, for status views). */
    public Map<IPv4Address, IPv4Address> leases() {
        Map<IPv4Address, IPv4Address> view = new HashMap<>();
        leases.forEach((host, lease) -> view.put(host, addresses.get(lease.address)));
        return Map.copyOf(view);
    }

    /** Number of addresses in the pool. */
    public int size() {
        return addresses.size();
    }

    /** Number of leased addresses. */
    public int leased() {
        return leases.size();
    }

    /** Number of unleased addresses still kept from other hosts at {@code now} (O(pool size)). */
    public int cooling(long now) {
        int n = 0;
        for (int i : unleased) {
            if (cooling(i, now)) {
                n++;
            }
        }
        return n;
    }

    /** Number of addresses any host could lease at {@code now}. */
    public int available(long now) {
        return size() - leased() - cooling(now);
    }

    private boolean cooling(int i, long now) {
        return releasedAt[i] != NEVER && now - releasedAt[i] < reuseDelayMillis;
    }

    private Lease take(IPv4Address host, int i) {
        unleased.remove(i);
        IPv4Address last = lastHolder[i];
        if (last != null) {
            previous.remove(last);
            lastHolder[i] = null;
        }
        // The host's own earlier address (if another) cools on for the others but is no longer its to skip.
        Integer earlier = previous.remove(host);
        if (earlier != null) {
            lastHolder[earlier] = null;
        }
        holder[i] = host;
        Lease lease = new Lease(i);
        leases.put(host, lease);
        return lease;
    }

    private void giveBack(IPv4Address host, Lease lease, long now) {
        int i = lease.address;
        leases.remove(host);
        holder[i] = null;
        releasedAt[i] = now;
        lastHolder[i] = host;
        previous.put(host, i);
        unleased.add(i);
    }
}
