package io.flowmasq.controller.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;

class PoolAllocatorTest {
    private static final long DELAY = 120_000;
    private static final IPv4Address A1 = IPv4Address.of("203.0.113.20");
    private static final IPv4Address A2 = IPv4Address.of("203.0.113.21");
    private static final IPv4Address A3 = IPv4Address.of("203.0.113.22");
    private static final IPv4Address H1 = IPv4Address.of("10.0.0.11");
    private static final IPv4Address H2 = IPv4Address.of("10.0.0.12");
    private static final IPv4Address H3 = IPv4Address.of("10.0.0.13");

    private static PoolAllocator pool(IPv4Address... addresses) {
        return new PoolAllocator(List.of(addresses), DELAY);
    }

    @Test
    void aLeaseIsRetainedPerBindingAndEndsWithTheLastRelease() {
        PoolAllocator pool = pool(A1, A2);
        assertEquals(Optional.of(A1), pool.lease(H1, 0));
        assertEquals(0, pool.references(H1));
        pool.retain(H1);
        pool.retain(H1);
        assertEquals(Optional.of(H1), pool.holderOf(A1));
        assertTrue(pool.release(H1, 10));
        assertEquals(Optional.of(A1), pool.leaseOf(H1), "one binding left: still leased");
        assertEquals(1, pool.references(H1));
        assertTrue(pool.release(H1, 20));
        assertEquals(Optional.empty(), pool.leaseOf(H1));
        assertEquals(Optional.empty(), pool.holderOf(A1));
        assertEquals(0, pool.leased());
        assertFalse(pool.release(H1, 30), "nothing left to release");
    }

    @Test
    void theAddressGoesToAnotherHostOnlyAfterTheLastBindingAndTheDelay() {
        PoolAllocator pool = pool(A1);
        pool.lease(H1, 0);
        pool.retain(H1);
        pool.retain(H1);
        pool.retain(H1);
        for (int i = 0; i < 2; i++) {
            pool.release(H1, 100);
            assertEquals(Optional.empty(), pool.lease(H2, 100 + DELAY), "H1 still has bindings");
        }
        pool.release(H1, 1_000);
        assertEquals(Optional.empty(), pool.lease(H2, 1_000 + DELAY - 1), "cooling");
        assertEquals(Optional.of(A1), pool.lease(H2, 1_000 + DELAY));
        assertEquals(Optional.of(H2), pool.holderOf(A1));
    }

    @Test
    void allSessionsOfAHostShareItsAddressAndHostsGetDistinctOnes() {
        PoolAllocator pool = pool(A1, A2, A3);
        Set<IPv4Address> given = new HashSet<>();
        for (IPv4Address h : List.of(H1, H2, H3)) {
            IPv4Address a = pool.lease(h, 0).orElseThrow();
            pool.retain(h);
            given.add(a);
            for (int session = 0; session < 5; session++) {
                assertEquals(Optional.of(a), pool.lease(h, session));
                pool.retain(h);
            }
            assertEquals(6, pool.references(h));
        }
        assertEquals(Set.of(A1, A2, A3), given);
        assertEquals(3, pool.leased());
    }

    @Test
    void exhaustionIsEmptyAndNeverEvicts() {
        PoolAllocator pool = pool(A1, A2);
        pool.lease(H1, 0);
        pool.retain(H1);
        pool.lease(H2, 0); // not even retained yet: still not taken away
        for (long now : new long[] {0, DELAY, 100 * DELAY}) {
            assertEquals(Optional.empty(), pool.lease(H3, now));
        }
        assertEquals(Optional.of(A1), pool.leaseOf(H1));
        assertEquals(Optional.of(A2), pool.leaseOf(H2));
        assertEquals(0, pool.available(100 * DELAY));
    }

    @Test
    void anotherHostWaitsTheDelayTheSameHostHasItBackAtOnce() {
        PoolAllocator pool = pool(A1);
        pool.lease(H1, 0);
        pool.retain(H1);
        pool.release(H1, 5_000);
        assertEquals(1, pool.cooling(5_000));
        assertEquals(Optional.empty(), pool.lease(H2, 5_001));
        assertEquals(Optional.of(A1), pool.lease(H1, 5_001), "its own address, no wait");
        pool.retain(H1);
        pool.release(H1, 6_000);
        assertEquals(Optional.empty(), pool.lease(H2, 6_000 + DELAY - 1), "the delay restarts at each return");
        assertEquals(Optional.of(A1), pool.lease(H2, 6_000 + DELAY));
        assertEquals(0, pool.cooling(6_000 + DELAY));
    }

    @Test
    void aHostGetsItsPreviousAddressBackAndOthersTheLongestUnleased() {
        PoolAllocator pool = pool(A1, A2, A3);
        pool.lease(H1, 0);
        pool.retain(H1);
        pool.release(H1, 0); // unleased, oldest first: A2, A3, A1
        long later = 2 * DELAY;
        assertEquals(Optional.of(A2), pool.lease(H2, later));
        assertEquals(Optional.of(A1), pool.lease(H1, later), "previous address preferred over the older A3");
        assertEquals(Optional.of(A3), pool.lease(H3, later));
    }

    @Test
    void aPreviousAddressTakenByAnotherHostIsNoLongerPreferred() {
        PoolAllocator pool = pool(A1, A2);
        pool.lease(H1, 0);
        pool.retain(H1);
        pool.release(H1, 0); // unleased: A2, A1
        pool.lease(H2, DELAY);
        pool.lease(H3, DELAY); // A1, after its delay, to H3
        assertEquals(Optional.of(H3), pool.holderOf(A1));
        pool.cancel(H3, DELAY + 1);
        assertEquals(Optional.empty(), pool.lease(H1, DELAY + 2), "A1 is H3's to have back now, not H1's");
        assertEquals(Optional.of(A1), pool.lease(H3, DELAY + 2));
    }

    @Test
    void withoutDelayAReturnedAddressIsFreeAtOnce() {
        PoolAllocator pool = new PoolAllocator(List.of(A1), 0);
        pool.lease(H1, 0);
        pool.retain(H1);
        pool.release(H1, 7);
        assertEquals(0, pool.cooling(7));
        assertEquals(Optional.of(A1), pool.lease(H2, 7));
    }

    @Test
    void cancelHandsBackOnlyAnUnretainedLease() {
        PoolAllocator pool = pool(A1);
        pool.lease(H1, 0);
        assertFalse(pool.release(H1, 0), "no binding retains it: release is a no-op");
        assertEquals(Optional.of(A1), pool.leaseOf(H1));
        pool.retain(H1);
        assertFalse(pool.cancel(H1, 0), "a binding uses it");
        pool.release(H1, 0);
        pool.lease(H1, 1);
        assertTrue(pool.cancel(H1, 1));
        assertEquals(Optional.empty(), pool.leaseOf(H1));
        assertEquals(1, pool.cooling(1), "a cancelled lease cools like a released one");
        assertFalse(pool.cancel(H2, 1));
    }

    @Test
    void retainWithoutALeaseIsAnError() {
        PoolAllocator pool = pool(A1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.retain(H1));
        assertTrue(e.getMessage().contains("10.0.0.11"), e.getMessage());
    }

    @Test
    void adoptRebuildsLeasesAndRefusesConflicts() {
        PoolAllocator pool = pool(A1, A2, A3);
        assertTrue(pool.adopt(H1, A2));
        assertTrue(pool.adopt(H1, A2), "a second binding of the same host");
        assertEquals(2, pool.references(H1));
        assertFalse(pool.adopt(H2, A2), "leased to H1");
        assertFalse(pool.adopt(H1, A3), "H1 already holds A2");
        assertFalse(pool.adopt(H2, IPv4Address.of("203.0.113.99")), "not a pool address");
        assertEquals(Optional.empty(), pool.leaseOf(H2));
        assertEquals(Optional.empty(), pool.holderOf(A3));
        assertEquals(Optional.of(A1), pool.lease(H2, 0), "the adopted address is not handed out");
        assertEquals(2, pool.leased());
        pool.release(H1, 0);
        pool.release(H1, 0);
        assertTrue(pool.adopt(H3, A2), "a cooling address is adopted: the switch already uses it");
        assertEquals(Optional.of(H3), pool.holderOf(A2));
    }

    @Test
    void countsForStatus() {
        PoolAllocator pool = pool(A1, A2, A3);
        pool.lease(H1, 0);
        pool.retain(H1);
        pool.lease(H2, 0);
        pool.retain(H2);
        pool.release(H2, 1_000);
        assertEquals(3, pool.size());
        assertEquals(1, pool.leased());
        assertEquals(1, pool.cooling(1_000));
        assertEquals(1, pool.available(1_000));
        assertEquals(2, pool.available(1_000 + DELAY));
        assertEquals(Map.of(H1, A1), pool.leases());
        assertTrue(pool.owns(A3));
        assertFalse(pool.owns(H1));
        assertEquals(List.of(A1, A2, A3), pool.addresses());
    }

    @Test
    void badConstructionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PoolAllocator(List.of(), DELAY));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> new PoolAllocator(List.of(A1, A2, A1), DELAY));
        assertTrue(twice.getMessage().contains("203.0.113.20"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PoolAllocator(List.of(A1), -1));
    }

    /**
     * Random operations over a small pool against a plain model: the model scans every address for the
     * rule the allocator applies with its queue (own previous address, else the longest unleased one out of
     * its cooling time).
     */
    @Test
    void randomOperationsMatchASimpleModel() {
        SplittableRandom random = new SplittableRandom(20261207L);
        List<IPv4Address> addresses = List.of(A1, A2, A3, IPv4Address.of("203.0.113.23"));
        List<IPv4Address> hosts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            hosts.add(IPv4Address.of("10.0.0." + (20 + i)));
        }
        long delay = 1_000;
        PoolAllocator pool = new PoolAllocator(addresses, delay);
        Model model = new Model(addresses, delay);
        long now = 0;
        int leases = 0;
        int exhausted = 0;
        int returned = 0;
        for (int op = 0; op < 100_000; op++) {
            IPv4Address host = hosts.get(random.nextInt(hosts.size()));
            IPv4Address address = addresses.get(random.nextInt(addresses.size()));
            int kind = random.nextInt(100);
            String what = "op " + op + " at " + now + " host " + host;
            if (kind < 30) {
                Optional<IPv4Address> got = pool.lease(host, now);
                assertEquals(model.lease(host, now), got, what + " lease");
                if (got.isPresent()) {
                    leases++;
                } else {
                    exhausted++;
                }
            } else if (kind < 45) {
                if (model.holding.containsKey(host)) {
                    pool.retain(host);
                    model.references.merge(host, 1, Integer::sum);
                } else {
                    assertThrows(IllegalStateException.class, () -> pool.retain(host), what + " retain");
                }
            } else if (kind < 80) {
                boolean wasHeld = model.holding.containsKey(host);
                assertEquals(model.release(host, now), pool.release(host, now), what + " release");
                if (wasHeld && !model.holding.containsKey(host)) {
                    returned++;
                }
            } else if (kind < 85) {
                assertEquals(model.cancel(host, now), pool.cancel(host, now), what + " cancel");
            } else if (kind < 90) {
                assertEquals(model.adopt(host, address), pool.adopt(host, address), what + " adopt " + address);
            } else {
                now += random.nextInt((int) delay / 2);
            }
            for (IPv4Address h : hosts) {
                assertEquals(Optional.ofNullable(model.holding.get(h)), pool.leaseOf(h), what + " leaseOf " + h);
                assertEquals(model.references.getOrDefault(h, 0), pool.references(h), what + " refs " + h);
            }
            for (IPv4Address a : addresses) {
                assertEquals(Optional.ofNullable(model.holder(a)), pool.holderOf(a), what + " holderOf " + a);
            }
            assertEquals(model.holding.size(), pool.leased(), what);
            assertEquals(model.cooling(now), pool.cooling(now), what + " cooling");
        }
        // The run covered the interesting cases, not just one of them.
        assertTrue(leases > 10_000 && exhausted > 1_000 && returned > 1_000,
                leases + " leases, " + exhausted + " exhausted, " + returned + " returned");
    }

    /** The allocator's rules, written as scans over every address. */
    private static final class Model {
        final List<IPv4Address> addresses;
        final long delay;
        final Map<IPv4Address, IPv4Address> holding = new HashMap<>();
        final Map<IPv4Address, Integer> references = new HashMap<>();
        final Map<IPv4Address, Long> releasedAt = new HashMap<>();
        /** Order of becoming unleased; never-leased addresses come first in list order. */
        final Map<IPv4Address, Long> order = new HashMap<>();
        final Map<IPv4Address, IPv4Address> lastHolder = new HashMap<>();
        long sequence;

        Model(List<IPv4Address> addresses, long delay) {
            this.addresses = addresses;
            this.delay = delay;
            for (IPv4Address a : addresses) {
                order.put(a, sequence++);
            }
        }

        IPv4Address holder(IPv4Address address) {
            for (Map.Entry<IPv4Address, IPv4Address> e : holding.entrySet()) {
                if (e.getValue().equals(address)) {
                    return e.getKey();
                }
            }
            return null;
        }

        boolean coolingAt(IPv4Address a, long now) {
            Long at = releasedAt.get(a);
            return at != null && now - at < delay;
        }

        Optional<IPv4Address> lease(IPv4Address host, long now) {
            if (holding.containsKey(host)) {
                return Optional.of(holding.get(host));
            }
            for (IPv4Address a : addresses) {
                if (holder(a) == null && host.equals(lastHolder.get(a))) {
                    take(host, a);
                    return Optional.of(a);
                }
            }
            IPv4Address best = null;
            for (IPv4Address a : addresses) {
                if (holder(a) == null && !coolingAt(a, now) && (best == null || order.get(a) < order.get(best))) {
                    best = a;
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            take(host, best);
            return Optional.of(best);
        }

        void take(IPv4Address host, IPv4Address a) {
            lastHolder.values().removeIf(host::equals);
            lastHolder.remove(a);
            holding.put(host, a);
            references.put(host, 0);
        }

        boolean release(IPv4Address host, long now) {
            int refs = references.getOrDefault(host, 0);
            if (!holding.containsKey(host) || refs == 0) {
                return false;
            }
            references.put(host, refs - 1);
            if (refs == 1) {
                giveBack(host, now);
            }
            return true;
        }

        boolean cancel(IPv4Address host, long now) {
            if (!holding.containsKey(host) || references.get(host) != 0) {
                return false;
            }
            giveBack(host, now);
            return true;
        }

        void giveBack(IPv4Address host, long now) {
            IPv4Address a = holding.remove(host);
            references.remove(host);
            releasedAt.put(a, now);
            order.put(a, sequence++);
            lastHolder.put(a, host);
        }

        boolean adopt(IPv4Address host, IPv4Address a) {
            IPv4Address current = holding.get(host);
            if (current != null) {
                if (!current.equals(a)) {
                    return false;
                }
                references.merge(host, 1, Integer::sum);
                return true;
            }
            if (holder(a) != null) {
                return false;
            }
            take(host, a);
            references.put(host, 1);
            return true;
        }

        int cooling(long now) {
            int n = 0;
            for (IPv4Address a : addresses) {
                if (holder(a) == null && coolingAt(a, now)) {
                    n++;
                }
            }
            return n;
        }
    }

    @Test
    void distinctHostsNeverShareAnAddress() {
        PoolAllocator pool = pool(A1, A2, A3);
        SplittableRandom random = new SplittableRandom(5);
        long now = 0;
        for (int i = 0; i < 10_000; i++) {
            IPv4Address host = IPv4Address.of("10.0.0." + (1 + random.nextInt(20)));
            if (random.nextBoolean()) {
                if (pool.lease(host, now).isPresent()) {
                    pool.retain(host);
                }
            } else {
                pool.release(host, now);
            }
            now += random.nextInt(100_000);
            Set<IPv4Address> held = new HashSet<>(pool.leases().values());
            assertEquals(pool.leases().size(), held.size(), "two hosts on one address");
        }
        assertNotEquals(0, pool.leased());
    }
}
