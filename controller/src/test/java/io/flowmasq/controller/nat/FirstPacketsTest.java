package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The bounded store of recent first packets, and the bounded table-full warnings. */
class FirstPacketsTest {
    private static final byte[] FRAME = Frames.udp(H1, GW_IN, "10.0.0.11", 5000, "198.51.100.7", 53, new byte[100]);

    @Test
    void keepsTheHeadersAndEightBytesOnceEach() {
        FirstPackets p = FirstPackets.keeping();
        p.remember(1, P1, FRAME, 0);
        FirstPackets.First f = p.take(1, 10).orElseThrow();
        assertEquals(P1, f.inPort());
        assertArrayEquals(Arrays.copyOf(FRAME, 14 + 20 + 8), f.head());
        assertTrue(p.take(1, 10).isEmpty(), "handed out once");
    }

    @Test
    void boundedInAgeAndNumber() {
        FirstPackets p = FirstPackets.keeping();
        p.remember(1, P1, FRAME, 0);
        assertTrue(p.take(1, FirstPackets.KEEP_MS).isEmpty(), "too old");
        for (long id = 1; id <= FirstPackets.CAPACITY + 10; id++) {
            p.remember(id, P1, FRAME, 100);
        }
        assertEquals(FirstPackets.CAPACITY, p.size());
        assertTrue(p.take(10, 100).isEmpty(), "the oldest made room");
        assertTrue(p.take(11, 100).isPresent());
    }

    @Test
    void oneTakenFromTheMiddleLeavesRoomAndTheOthersInOrder() {
        FirstPackets p = FirstPackets.keeping();
        for (long id = 1; id <= FirstPackets.CAPACITY + 5; id++) { // wrapped around the ring
            p.remember(id, P1, FRAME, id);
        }
        assertTrue(p.take(500, 2_000).isPresent());
        assertEquals(FirstPackets.CAPACITY - 1, p.size());
        p.remember(2_000, P1, FRAME, 2_000); // fits in the room the taken one left: nobody is dropped
        assertEquals(FirstPackets.CAPACITY, p.size());
        assertTrue(p.take(6, 2_000).isPresent(), "the oldest is still there");
        p.remember(2_001, P1, FRAME, 2_001);
        p.remember(2_002, P1, FRAME, 2_002); // full again: the oldest left (7) makes room
        assertTrue(p.take(7, 2_002).isEmpty());
        assertTrue(p.take(8, 2_002).isPresent());
        assertTrue(p.take(2_000, 2_002).isPresent());
        // age: the ones remembered KEEP_MS ago or earlier go (9..1000)
        assertTrue(p.take(1_000, FirstPackets.KEEP_MS + 1_000).isEmpty());
        assertTrue(p.take(1_001, FirstPackets.KEEP_MS + 1_000).isPresent());
        assertEquals(28 + 2, p.size(), "1002..1029, 2001 and 2002 remain");
    }

    @Test
    void noneKeepsNothing() {
        FirstPackets p = FirstPackets.none();
        p.remember(1, P1, FRAME, 0);
        assertEquals(0, p.size());
    }

    @Test
    void tableFullWarningsAreBounded() {
        long interval = NatEngine.TABLE_FULL_LOG_INTERVAL_MS;
        LogThrottle<String> log = new LogThrottle<>(interval);
        assertEquals(1, log.due("t", 1_000), "the first at once");
        assertEquals(0, log.due("t", 1_001));
        assertEquals(0, log.due("t", 1_000 + interval - 1));
        assertEquals(3, log.due("t", 1_000 + interval), "then with the count since");
        assertEquals(0, log.due("t", 1_000 + interval + 1));
        assertEquals(0, log.overdue("t", 1_000 + 2 * interval - 1), "not before the interval is over");
        assertEquals(1, log.overdue("t", 1_000 + 2 * interval), "the last one, from the tick");
        assertEquals(0, log.overdue("t", 1_000 + 4 * interval), "nothing left");
    }
}
