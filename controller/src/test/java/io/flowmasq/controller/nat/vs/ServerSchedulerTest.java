package io.flowmasq.controller.nat.vs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.rules.RuleForm.RealServer;
import io.flowmasq.flowcompiler.rules.RuleForm.Scheduling;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ServerSchedulerTest {
    private static final Endpoint A = Endpoint.of("10.0.0.13", 80);
    private static final Endpoint B = Endpoint.of("10.0.0.14", 80);
    private static final Endpoint C = Endpoint.of("10.0.0.15", 80);
    private static final long MB = 1_000_000;
    private static final long GB = 1_000_000_000;

    private static List<RealServer> servers(Object... addressWeight) {
        List<RealServer> out = new ArrayList<>();
        for (int i = 0; i < addressWeight.length; i += 2) {
            out.add(new RealServer((Endpoint) addressWeight[i], (Integer) addressWeight[i + 1]));
        }
        return out;
    }

    private static Map<Endpoint, Integer> count(ServerScheduler s, int n, long now) {
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(s.choose(now).orElseThrow(), 1, Integer::sum);
        }
        return counts;
    }

    private static List<Endpoint> sequence(ServerScheduler s, int n, long now) {
        List<Endpoint> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(s.choose(now).orElseThrow());
        }
        return out;
    }

    @Test
    void weightedThreeToOneIsExactAndInterleaved() {
        ServerScheduler s = new ServerScheduler(Scheduling.WEIGHTED, servers(A, 3, B, 1), 0);
        assertEquals(List.of(A, A, B, A, A, A, B, A), sequence(s, 8, 0));
        Map<Endpoint, Integer> counts = count(s, 10_000 - 8, 0);
        assertEquals(7500 - 6, counts.get(A));
        assertEquals(2500 - 2, counts.get(B));
    }

    @Test
    void weightedFiveThreeTwoIsExactOverTenThousand() {
        ServerScheduler s = new ServerScheduler(Scheduling.WEIGHTED, servers(A, 5, B, 3, C, 2), 0);
        assertEquals(Map.of(A, 5000, B, 3000, C, 2000), count(s, 10_000, 0));
        // smooth: never more than two of A in a row over a cycle of 10 (a plain WRR gives A five times)
        List<Endpoint> cycle = sequence(s, 10, 0);
        for (int i = 0; i + 2 < cycle.size(); i++) {
            assertFalse(cycle.get(i).equals(A) && cycle.get(i + 1).equals(A) && cycle.get(i + 2).equals(A),
                    "three A in a row: " + cycle);
        }
    }

    @Test
    void roundRobinIgnoresWeights() {
        ServerScheduler s = new ServerScheduler(Scheduling.ROUND_ROBIN, servers(A, 5, B, 1, C, 1), 0);
        assertEquals(List.of(A, B, C, A, B, C), sequence(s, 6, 0));
        assertEquals(Map.of(A, 3333, B, 3333, C, 3333), count(s, 9999, 0));
    }

    @Test
    void leastConnectionsFollowsCountsPerWeight() {
        ServerScheduler s = new ServerScheduler(Scheduling.LEAST_CONNECTIONS, servers(A, 1, B, 2), 0);
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            Endpoint e = s.choose(0).orElseThrow();
            s.connectionOpened(e);
            counts.merge(e, 1, Integer::sum);
        }
        assertEquals(Map.of(A, 100, B, 200), counts);
        for (int i = 0; i < 50; i++) {
            s.connectionClosed(B);
        }
        // B at 150/2 < A at 100/1: B takes new connections until it is back at 200/2
        for (int i = 0; i < 50; i++) {
            Endpoint e = s.choose(0).orElseThrow();
            assertEquals(B, e);
            s.connectionOpened(e);
        }
        assertEquals(List.of(100, 200), s.status().stream().map(ServerStatus::connections).toList());
        s.connectionClosed(A);
        assertEquals(A, s.choose(0).orElseThrow());
    }

    @Test
    void leastConnectionsBreaksTiesInTurn() {
        ServerScheduler s = new ServerScheduler(Scheduling.LEAST_CONNECTIONS, servers(A, 1, B, 1, C, 1), 0);
        // the engine has not reported the connections yet: equal counts, so in turn rather than all to A
        assertEquals(List.of(A, B, C, A), sequence(s, 4, 0));
    }

    @ParameterizedTest
    @EnumSource(Scheduling.class)
    void downServersAreNeverChosenAndAllDownIsEmpty(Scheduling policy) {
        ServerScheduler s = new ServerScheduler(policy, servers(A, 3, B, 1, C, 2), 0);
        assertTrue(s.markDown(B));
        Map<Endpoint, Integer> counts = count(s, 1000, 0);
        assertFalse(counts.containsKey(B));
        assertTrue(counts.containsKey(A) && counts.containsKey(C));
        s.markDown(A);
        s.markDown(C);
        assertEquals(Optional.empty(), s.choose(0));
        s.markUp(B);
        assertEquals(Optional.of(B), s.choose(0));
        assertFalse(s.markDown(Endpoint.of("10.0.0.99", 80)));
    }

    @ParameterizedTest
    @EnumSource(Scheduling.class)
    void weightZeroDrains(Scheduling policy) {
        ServerScheduler s = new ServerScheduler(policy, servers(A, 1, B, 1), 0);
        s.connectionOpened(B);
        s.setServers(servers(A, 1, B, 0), 0);
        assertEquals(Map.of(A, 100), count(s, 100, 0));
        ServerStatus b = s.status().get(1);
        assertEquals(new ServerStatus(B, 0, true, 1, 0, b.byteLoad(), b.chosen()), b);
        assertFalse(b.inRotation());
        s.setServers(servers(A, 0, B, 0), 0);
        assertEquals(Optional.empty(), s.choose(0));
    }

    @Test
    void setServersKeepsTheStateOfServersThatStay() {
        ServerScheduler s = new ServerScheduler(Scheduling.LEAST_CONNECTIONS, servers(A, 1, B, 1), 0);
        s.connectionOpened(A);
        s.markDown(B);
        s.setServers(servers(B, 2, C, 1), 0);
        assertEquals(List.of(B, C), s.status().stream().map(ServerStatus::address).toList());
        assertFalse(s.status().get(0).up());
        assertEquals(2, s.status().get(0).weight());
        s.connectionClosed(A); // removed since: ignored
        assertThrows(IllegalArgumentException.class, () -> s.setServers(servers(A, 1, A, 2), 0));
        assertThrows(IllegalArgumentException.class, () -> s.setServers(List.of(), 0));
    }

    @Test
    void bytesPolicySendsNewConnectionsAwayFromTheServerWithHeavyTraffic() {
        ServerScheduler s = new ServerScheduler(Scheduling.BYTES, servers(A, 1, B, 1), 0);
        Fleet fleet = new Fleet(s);
        fleet.open(2, 0); // one on each
        fleet.heavy(A);   // A's connection is a download of 50 MB a second
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int second = 1; second <= 10; second++) {
            fleet.poll(second * 1000L);
            for (Endpoint e : fleet.open(10, second * 1000L + 1)) {
                counts.merge(e, 1, Integer::sum);
            }
        }
        assertTrue(counts.getOrDefault(A, 0) <= 5, "A got " + counts);
        assertTrue(s.status().get(0).bytes() > 100 * s.status().get(1).bytes());
    }

    @Test
    void aBurstBetweenTwoPollsIsSpreadByTheEstimates() {
        ServerScheduler s = new ServerScheduler(Scheduling.BYTES, servers(A, 1, B, 1), 0);
        // 10 connections of 1 MB each were seen, A carried 2 MB more: the estimate is 1.2 MB a connection
        for (int i = 0; i < 10; i++) {
            s.choose(0);
        }
        s.bytesPolled(List.of(new BindingBytes(1, A, 7 * MB), new BindingBytes(2, B, 5 * MB)), 10, 10);
        List<Endpoint> burst = sequence(s, 20, 20);
        // B catches up with two connections, then they alternate instead of B taking the whole burst
        assertEquals(List.of(B, B), burst.subList(0, 2));
        Map<Endpoint, Long> counts = new HashMap<>();
        burst.forEach(e -> counts.merge(e, 1L, Long::sum));
        assertEquals(Map.of(A, 9L, B, 11L), counts);
    }

    @Test
    void aReAddedServerGetsItsShareNotEveryNewConnection() {
        ServerScheduler s = new ServerScheduler(Scheduling.BYTES, servers(A, 1, B, 1), 0);
        Fleet fleet = new Fleet(s);
        fleet.open(100, 0);
        fleet.growAll(10 * MB);            // 1 GB carried by A and B
        fleet.poll(1000);
        s.setServers(servers(A, 1, B, 1, C, 1), 1001);
        assertTrue(s.status().get(2).byteLoad() >= 500 * MB - 1, s.status().toString());
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (Endpoint e : fleet.open(99, 1002)) {
            counts.merge(e, 1, Integer::sum);
        }
        int share = 99 / 3;
        assertTrue(counts.get(C) <= share + 2, "C got " + counts);
        assertTrue(counts.get(A) >= share - 2 && counts.get(B) >= share - 2, counts.toString());
    }

    @Test
    void aServerBackUpGetsItsShareNotEveryNewConnection() {
        ServerScheduler s = new ServerScheduler(Scheduling.BYTES, servers(A, 1, B, 1, C, 2), 0);
        s.markDown(C);
        Fleet fleet = new Fleet(s);
        fleet.open(100, 0);
        fleet.growAll(10 * MB);
        fleet.poll(1000);
        s.markUp(C);
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (Endpoint e : fleet.open(100, 1001)) {
            counts.merge(e, 1, Integer::sum);
        }
        assertTrue(counts.get(C) <= 50 + 2, "C (weight 2 of 4) got " + counts);
        assertTrue(counts.get(C) >= 50 - 2, "C (weight 2 of 4) got " + counts);
    }

    @Test
    void decayEndsTheStarvationOfAServerBehindAnOldBacklog() {
        ServerScheduler fresh = backlogOnA();
        ServerScheduler old = backlogOnA();
        long halfLife = ServerScheduler.DEFAULT_HALF_LIFE_MILLIS;
        // right after the backlog, B takes everything until it has carried as much: that is the point of the policy
        assertEquals(Map.of(B, 100), count(fresh, 100, 1001));
        // ten half-lives later the backlog counts 1/1024: they share the new connections
        Map<Endpoint, Integer> later = count(old, 100, 1000 + 10 * halfLife);
        assertTrue(later.getOrDefault(A, 0) >= 45, later.toString());
    }

    /** 1000 light connections (1 MB each, spread evenly) and one 1 GB transfer on A, all ended. */
    private static ServerScheduler backlogOnA() {
        ServerScheduler s = new ServerScheduler(Scheduling.BYTES, servers(A, 1, B, 1), 0);
        Fleet fleet = new Fleet(s);
        fleet.open(1000, 0);
        fleet.growAll(MB);
        fleet.grow(fleet.firstOn(A), GB);
        fleet.poll(1000);
        s.bytesPolled(List.of(), 1000, 1000); // all ended
        return s;
    }

    @Test
    void cumulativeCountersBecomeDeltasAcrossPollsAndEndings() {
        ServerScheduler s = new ServerScheduler(Scheduling.BYTES, servers(A, 1, B, 1), 1, 0); // no decay to speak of
        s.bytesPolled(List.of(new BindingBytes(7, A, 1000)), 0, 0);
        s.bytesPolled(List.of(new BindingBytes(7, A, 1500)), 0, 0);
        assertEquals(1500, s.status().get(0).bytes());
        assertEquals(200, s.bindingEnded(7, 1700, 0));
        assertEquals(0, s.bindingEnded(7, 1900, 0)); // already ended
        // id 7 reused by a binding to B: counts from 0, not as a decrease
        s.bytesPolled(List.of(new BindingBytes(7, B, 300)), 0, 0);
        s.bytesPolled(List.of(new BindingBytes(8, A, 50)), 0, 0);
        s.bytesPolled(List.of(new BindingBytes(8, A, 40)), 0, 0); // smaller: reused between polls
        s.bytesObserved(B, 5, 0);
        assertEquals(List.of(1700L + 50 + 40, 305L), s.status().stream().map(ServerStatus::bytes).toList());
    }

    /** The engine's side of the bytes policy: bindings with cumulative counters, polled. */
    private static final class Fleet {
        private final ServerScheduler s;
        private final List<Endpoint> server = new ArrayList<>();
        private final List<Long> bytes = new ArrayList<>();
        private final Map<Integer, Long> rate = new HashMap<>();

        Fleet(ServerScheduler s) {
            this.s = s;
        }

        List<Endpoint> open(int n, long now) {
            List<Endpoint> chosen = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Endpoint e = s.choose(now).orElseThrow();
                server.add(e);
                bytes.add(0L);
                chosen.add(e);
            }
            return chosen;
        }

        void heavy(Endpoint e) {
            rate.put(firstOn(e), 50 * MB);
        }

        int firstOn(Endpoint e) {
            return server.indexOf(e);
        }

        void grow(int binding, long by) {
            bytes.set(binding, bytes.get(binding) + by);
        }

        void growAll(long by) {
            for (int i = 0; i < bytes.size(); i++) {
                grow(i, by);
            }
        }

        /** A poll at {@code now}: the heavy bindings grew by their rate, the others by 1 kB. */
        void poll(long now) {
            List<BindingBytes> counters = new ArrayList<>();
            for (int i = 0; i < server.size(); i++) {
                grow(i, rate.getOrDefault(i, 1000L));
                counters.add(new BindingBytes(i, server.get(i), bytes.get(i)));
            }
            s.bytesPolled(counters, now, now);
        }
    }
}
