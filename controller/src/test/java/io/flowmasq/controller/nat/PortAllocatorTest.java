package io.flowmasq.controller.nat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortAllocatorTest {
    @Test
    void preservesAFreePreferredPortAndOtherwiseTakesTheLongestFree() {
        PortAllocator a = new PortAllocator(1000, 1004);
        assertEquals(1003, a.allocate(1003));
        assertEquals(1000, a.allocate(1003), "taken: the head of the free list instead");
        assertEquals(1001, a.allocate(80), "out of range: never preserved");
        assertArrayEquals(new int[] {1002, 1004}, a.freeOrderForTest());
    }

    @Test
    void releasedPortsGoToTheTailAndAreNotReusedAtOnce() {
        PortAllocator a = new PortAllocator(1000, 1002);
        int p = a.allocate(-1);
        assertTrue(a.release(p));
        assertArrayEquals(new int[] {1001, 1002, 1000}, a.freeOrderForTest());
        assertEquals(1001, a.allocate(-1));
    }

    @Test
    void exhaustionReturnsMinusOneAndEveryPortIsHandedOutOnce() {
        PortAllocator a = new PortAllocator(5000, 5099);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            assertTrue(seen.add(a.allocate(5000)));
        }
        assertEquals(-1, a.allocate(5000));
        assertEquals(0, a.freeCount());
        assertTrue(a.release(5050));
        assertEquals(5050, a.allocate(-1));
    }

    @Test
    void doubleAndForeignReleasesAreRefused() {
        PortAllocator a = new PortAllocator(1000, 1001);
        assertFalse(a.release(1000), "free already");
        assertFalse(a.release(9999), "not ours");
        assertEquals(2, a.freeCount());
    }

    @Test
    void reserveTakesExactlyThatPort() {
        PortAllocator a = new PortAllocator(1000, 1002);
        assertTrue(a.reserve(1001));
        assertFalse(a.reserve(1001));
        assertFalse(a.isFree(1001));
        assertArrayEquals(new int[] {1000, 1002}, a.freeOrderForTest());
    }

    @Test
    void aRecentlyReleasedPortIsNotPreservedUntilItsCooldownEnds() {
        PortAllocator a = new PortAllocator(1000, 1003, 30_000);
        assertEquals(1002, a.allocate(1002, 0));
        assertTrue(a.release(1002, 5_000));
        assertEquals(1000, a.allocate(1002, 10_000), "still cooling down: another port");
        assertEquals(1002, a.allocate(1002, 35_000), "cooled down: preserved again");
    }

    @Test
    void rejectsBadRanges() {
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(10, 9));
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(1, 65536));
    }
}
