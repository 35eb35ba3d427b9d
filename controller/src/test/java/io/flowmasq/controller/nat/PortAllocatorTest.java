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
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PortAllocatorTest {
    private static final int A = 0x0a00000b; // 10.0.0.11
    private static final int B = 0x0a00000c; // 10.0.0.12
    private static final long DELAY = 120_000;
    private static final long SETTLE = 30_000;

    private static PortAllocator allocator(int first, int last) {
        return new PortAllocator(first, last, new SplittableRandom(7));
    }

    private static PortAllocator delayed(int first, int last) {
        return new PortAllocator(first, last, DELAY, SETTLE, new SplittableRandom(7));
    }

    @Test
    void preservesAFreePreferredPortAndOtherwiseTakesARandomFreeOne() {
        PortAllocator a = allocator(1000, 1004);
        assertEquals(1003, a.allocate(A, 1003, 0));
        int other = a.allocate(B, 1003, 0);
        assertTrue(other >= 1000 && other <= 1004 && other != 1003, "taken: another free port, " + other);
        int outside = a.allocate(A, 80, 0);
        assertTrue(outside >= 1000 && outside <= 1004 && outside != 1003 && outside != other,
                "out of range: never preserved, " + outside);
        assertEquals(2, a.freeCount());
    }

    @Test
    void portsThatCannotBePreservedAreNotSequentialAndCoverTheRange() {
        PortAllocator a = new PortAllocator(1024, 65535, new SplittableRandom(20261125L));
        int n = 1000;
        int[] got = new int[n];
        for (int i = 0; i < n; i++) {
            got[i] = a.allocate(A + i, 80, 0); // port 80 is outside the range: never preserved
        }
        Map<Integer, Integer> steps = new HashMap<>();
        int plusOne = 0;
        for (int i = 1; i < n; i++) {
            int d = got[i] - got[i - 1];
            steps.merge(d, 1, Integer::sum);
            if (d == 1) {
                plusOne++;
            }
        }
        // sequential allocation would give 999 +1 steps; random ones about 1000/64512
        assertTrue(plusOne <= 3, plusOne + " consecutive +1 steps");
        // a predictor "the next port is the last one plus the most common step" almost never hits
        int bestStepHits = steps.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(bestStepHits <= 3, "one step repeats " + bestStepHits + " times: " + steps);
        // a predictor "the next port is close above the last" (within 64) fails too
        int near = 0;
        for (int i = 1; i < n; i++) {
            int d = got[i] - got[i - 1];
            if (d > 0 && d <= 64) {
                near++;
            }
        }
        assertTrue(near <= 10, near + " of " + n + " within 64 above the last");
        // the values cover the range: every sixteenth of it gets a share (about 62 each)
        int[] buckets = new int[16];
        for (int p : got) {
            assertTrue(p >= 1024 && p <= 65535, "out of range: " + p);
            buckets[(p - 1024) * 16 / 64512]++;
        }
        for (int i = 0; i < buckets.length; i++) {
            assertTrue(buckets[i] >= 30, "sixteenth " + i + " got only " + buckets[i]);
        }
        assertEquals(n, new HashSet<>(java.util.Arrays.stream(got).boxed().toList()).size(), "all distinct");
    }

    @Test
    void differentSeedsGiveDifferentSequences() {
        PortAllocator x = new PortAllocator(1024, 65535, new SplittableRandom(1));
        PortAllocator y = new PortAllocator(1024, 65535, new SplittableRandom(2));
        int same = 0;
        for (int i = 0; i < 100; i++) {
            if (x.allocate(A, 80, 0) == y.allocate(A, 80, 0)) {
                same++;
            }
        }
        assertTrue(same <= 2, same + " of 100 equal");
    }

    @Test
    void exhaustionReturnsMinusOneAndEveryPortIsHandedOutOnce() {
        PortAllocator a = allocator(5000, 5099);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            int p = a.allocate(A, 5000, 0);
            assertTrue(p >= 5000 && p <= 5099, "in range: " + p);
            assertTrue(seen.add(p), "twice: " + p);
        }
        assertEquals(-1, a.allocate(A, 5000, 0));
        assertEquals(0, a.freeCount());
        assertTrue(a.release(5050, PortAllocator.owner(A, 5000), 0));
        assertEquals(5050, a.allocate(B, 1, 0), "no delay: the only free port, to anyone");
    }

    @Test
    void doubleAndForeignReleasesAreRefused() {
        PortAllocator a = delayed(1000, 1001);
        assertFalse(a.release(1000, PortAllocator.owner(A, 1000), 0), "free already");
        assertFalse(a.release(9999, PortAllocator.owner(A, 1000), 0), "not ours");
        assertEquals(1000, a.allocate(A, 1000, 0));
        assertTrue(a.release(1000, PortAllocator.owner(A, 1000), 0));
        assertFalse(a.release(1000, PortAllocator.owner(A, 1000), 0), "cooling: released already");
        assertEquals(2, a.freeCount());
        assertEquals(1, a.coolingCount());
    }

    @Test
    void reserveTakesExactlyThatPort() {
        PortAllocator a = allocator(1000, 1002);
        assertTrue(a.reserve(1001));
        assertFalse(a.reserve(1001));
        assertFalse(a.reserve(999));
        assertFalse(a.isFree(1001));
        Set<Integer> rest = Set.of(a.allocate(A, 1001, 0), a.allocate(A, 1001, 0));
        assertEquals(Set.of(1000, 1002), rest);
    }

    @Test
    void aFreedPortIsRefusedToAnotherEndpointUntilTheReuseDelayHasPassed() {
        PortAllocator a = delayed(1000, 1003);
        assertEquals(1002, a.allocate(A, 1002, 0));
        assertTrue(a.release(1002, PortAllocator.owner(A, 1002), 5_000));
        assertTrue(a.isCooling(1002));
        for (long t : new long[] {5_000, 60_000, 5_000 + DELAY - 1}) {
            int p = a.allocate(B, 1002, t);
            assertNotEquals(1002, p, "another endpoint at " + t + " ms");
            assertTrue(a.release(p, PortAllocator.owner(B, 1002), t));
        }
        assertEquals(1002, a.allocate(B, 1002, 5_000 + DELAY), "the delay has passed: preserved for anyone");
    }

    @Test
    void theSameEndpointGetsItsPortBackOnceTheDatapathHasSettled() {
        PortAllocator a = delayed(1000, 1003);
        assertEquals(1002, a.allocate(A, 1002, 0));
        assertTrue(a.release(1002, PortAllocator.owner(A, 1002), 5_000));
        int early = a.allocate(A, 1002, 5_000 + SETTLE - 1);
        assertNotEquals(1002, early, "still settling: a random port meanwhile");
        assertTrue(a.release(early, PortAllocator.owner(A, 1002), 5_000 + SETTLE - 1));
        assertEquals(1002, a.allocate(A, 1002, 5_000 + SETTLE), "its own port, long before the reuse delay");
        assertFalse(a.isCooling(1002));
        assertEquals(1, a.coolingCount(), "the random port still cools");
    }

    @Test
    void withoutASettleTimeTheSameEndpointGetsItsPortBackAtOnce() {
        PortAllocator a = new PortAllocator(1000, 1003, DELAY, 0, new SplittableRandom(7));
        assertEquals(1001, a.allocate(A, 1001, 0));
        assertTrue(a.release(1001, PortAllocator.owner(A, 1001), 10));
        assertNotEquals(1001, a.allocate(B, 1001, 10), "another endpoint: no");
        assertNotEquals(1001, a.allocate(A + 1, 1001, 10), "another address with the same port: no");
        assertEquals(1001, a.allocate(A, 1001, 10), "the same endpoint: at once");
    }

    @Test
    void aPortReleasedWithoutAnOwnerWaitsTheWholeDelay() {
        PortAllocator a = new PortAllocator(1000, 1003, DELAY, 0, new SplittableRandom(7));
        assertEquals(1001, a.allocate(A, 1001, 0));
        assertTrue(a.release(1001, 0));
        assertNotEquals(1001, a.allocate(A, 1001, SETTLE));
        assertEquals(1001, a.allocate(A, 1001, DELAY));
    }

    @Test
    void onlyCoolingPortsLeftMeansExhaustion() {
        PortAllocator a = delayed(1000, 1002);
        for (int p = 1000; p <= 1002; p++) {
            assertEquals(p, a.allocate(A, p, 0));
        }
        for (int p = 1000; p <= 1002; p++) {
            assertTrue(a.release(p, PortAllocator.owner(A, p), 1_000));
        }
        assertEquals(3, a.freeCount());
        assertEquals(3, a.coolingCount());
        assertEquals(-1, a.allocate(B, 1000, 2_000), "only cooling ports: refused, the delay is not cut short");
        assertEquals(-1, a.allocate(B, 5, 1_000 + DELAY - 1));
        assertEquals(1001, a.allocate(A, 1001, 1_000 + SETTLE), "its previous owner may have one back");
        int p = a.allocate(B, 5, 1_000 + DELAY);
        assertTrue(p == 1000 || p == 1002, "after the delay anyone gets one: " + p);
        assertEquals(0, a.coolingCount());
    }

    @Test
    void aZeroDelayFreesAPortForAnyoneAtOnce() {
        PortAllocator a = new PortAllocator(1000, 1001, 0, SETTLE, new SplittableRandom(7));
        assertEquals(1000, a.allocate(A, 1000, 0));
        assertTrue(a.release(1000, PortAllocator.owner(A, 1000), 0));
        assertEquals(0, a.coolingCount());
        assertEquals(1000, a.allocate(B, 1000, 0));
    }

    @Test
    void reserveTakesACoolingPort() {
        PortAllocator a = delayed(1000, 1002);
        assertEquals(1001, a.allocate(A, 1001, 0));
        assertTrue(a.release(1001, PortAllocator.owner(A, 1001), 0));
        assertTrue(a.reserve(1001), "an operator's explicit choice is not second-guessed");
        assertEquals(0, a.coolingCount());
        assertFalse(a.isFree(1001));
        assertTrue(a.release(1001, PortAllocator.owner(B, 7000), 10));
        assertNotEquals(1001, a.allocate(A, 1001, 20), "the reserved port's last owner was the static binding");
    }

    @Test
    void cooledPortsReturnInReleaseOrderEvenAfterOneIsTakenBackFromTheMiddle() {
        PortAllocator a = new PortAllocator(1000, 1003, DELAY, 0, new SplittableRandom(7));
        for (int p = 1000; p <= 1003; p++) {
            assertEquals(p, a.allocate(A, p, 0));
        }
        a.release(1000, PortAllocator.owner(A, 1000), 1);
        a.release(1001, PortAllocator.owner(A, 1001), 2);
        a.release(1002, PortAllocator.owner(A, 1002), 3);
        assertEquals(1001, a.allocate(A, 1001, 4), "the middle one, back to its owner");
        assertEquals(2, a.coolingCount());
        assertEquals(-1, a.allocate(B, 1, 1 + DELAY - 1));
        assertEquals(1000, a.allocate(B, 1, 1 + DELAY), "the first one cooled; the third not yet");
        assertEquals(-1, a.allocate(B, 1, 2 + DELAY));
        assertEquals(1002, a.allocate(B, 1, 3 + DELAY));
        assertEquals(0, a.freeCount());
    }

    /** Random operations against a plain model of the rules: every answer must be one the rules allow. */
    @Test
    void agreesWithASimpleModelOverManyRandomOperations() {
        SplittableRandom r = new SplittableRandom(99);
        int first = 2000;
        int last = 2031;
        long delay = 1_000;
        long settle = 300;
        PortAllocator a = new PortAllocator(first, last, delay, settle, new SplittableRandom(5));
        Map<Integer, Long> used = new HashMap<>(); // port -> owner
        Map<Integer, long[]> cooling = new HashMap<>(); // port -> {releasedAt, owner}
        List<Integer> live = new ArrayList<>();
        long now = 0;
        for (int step = 0; step < 200_000; step++) {
            now += r.nextInt(20);
            final long t = now;
            cooling.entrySet().removeIf(e -> t - e.getValue()[0] >= delay);
            int op = r.nextInt(10);
            if (op < 5) {
                int address = 0x0a000000 + r.nextInt(4);
                int preferred = first - 2 + r.nextInt(last - first + 5);
                long owner = PortAllocator.owner(address, preferred);
                int got = a.allocate(address, preferred, now);
                long[] c = cooling.get(preferred);
                boolean preferredFree = preferred >= first && preferred <= last && !used.containsKey(preferred)
                        && (c == null || (c[1] == owner && now - c[0] >= settle));
                int plainFree = (last - first + 1) - used.size() - cooling.size();
                if (preferredFree) {
                    assertEquals(preferred, got, "step " + step);
                } else if (plainFree == 0) {
                    assertEquals(-1, got, "step " + step);
                } else {
                    assertTrue(got >= first && got <= last && !used.containsKey(got) && !cooling.containsKey(got),
                            "step " + step + ": " + got);
                }
                if (got >= 0) {
                    cooling.remove(got);
                    used.put(got, owner);
                    live.add(got);
                }
            } else if (op < 9 && !live.isEmpty()) {
                int port = live.remove(r.nextInt(live.size()));
                long owner = used.remove(port);
                assertTrue(a.release(port, owner, now));
                cooling.put(port, new long[] {now, owner});
            } else {
                int port = first + r.nextInt(last - first + 1);
                boolean ok = a.reserve(port);
                assertEquals(!used.containsKey(port), ok, "reserve at step " + step);
                if (ok) {
                    cooling.remove(port);
                    used.put(port, PortAllocator.owner(0, port));
                    live.add(port);
                }
            }
            assertEquals((last - first + 1) - used.size(), a.freeCount(), "step " + step);
        }
    }

    @Test
    void rejectsBadRangesAndDelays() {
        SplittableRandom r = new SplittableRandom(1);
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(0, 10, r));
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(10, 9, r));
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(1, 65536, r));
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(1, 10, -1, 0, r));
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(1, 10, 0, -1, r));
    }
}
