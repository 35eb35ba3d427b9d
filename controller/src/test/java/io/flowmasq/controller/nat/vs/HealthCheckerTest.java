package io.flowmasq.controller.nat.vs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.rules.PortSpan;
import io.flowmasq.flowcompiler.rules.RuleForm.HealthCheck;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;

class HealthCheckerTest {
    private static final IPv4Address GW = IPv4Address.of("10.0.0.1");
    private static final Endpoint A = Endpoint.of("10.0.0.13", 80);
    private static final Endpoint B = Endpoint.of("10.0.0.14", 80);
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int ACK = 0x10;
    /** Every 2 s, 1000 ms timeout, DOWN after 2 failures, UP after 2 successes. */
    private static final HealthCheck CHECK = new HealthCheck(2, 1000, 2, 2);

    private final ProbePorts ports = new ProbePorts();

    private HealthChecker checker(List<Endpoint> servers) {
        return new HealthChecker(CHECK, GW, servers, ports, new SplittableRandom(7), 0);
    }

    private static Optional<ProbeResult> synAck(HealthChecker h, Probe p, long now) {
        return h.onReply(p.server().address(), p.server().port(), p.sourcePort(), SYN | ACK, p.expectedAck(), now);
    }

    private static Optional<ProbeResult> rst(HealthChecker h, Probe p, long now) {
        return h.onReply(p.server().address(), p.server().port(), p.sourcePort(), RST | ACK, p.expectedAck(), now);
    }

    private static Probe only(List<Probe> probes) {
        assertEquals(1, probes.size(), probes.toString());
        return probes.get(0);
    }

    @Test
    void aProbePerServerIsDueAtOnceThenEveryInterval() {
        HealthChecker h = checker(List.of(A, B));
        List<Probe> first = h.due(0);
        assertEquals(List.of(A, B), first.stream().map(Probe::server).toList());
        assertEquals(List.of(GW, GW), first.stream().map(Probe::source).toList());
        assertTrue(ports.contains(first.get(0).sourcePort()) && ports.contains(first.get(1).sourcePort()));
        assertNotEquals(first.get(0).sourcePort(), first.get(1).sourcePort());
        assertNotEquals(first.get(0).sequence(), first.get(1).sequence());
        assertEquals(List.of(), h.due(1999)); // in flight, and not yet due
        synAck(h, first.get(0), 10);
        assertEquals(List.of(), h.due(1999));
        assertEquals(A, only(h.due(2000)).server()); // B's probe is still in flight (no timeout processed)
        assertEquals(1000, h.nextEventAt()); // B's timeout
    }

    @Test
    void aSynAckAcknowledgingTheProbeIsASuccessThatNeedsAReset() {
        HealthChecker h = checker(List.of(A));
        Probe p = only(h.due(0));
        ProbeResult r = synAck(h, p, 5).orElseThrow();
        assertEquals(new ProbeResult(p, ProbeOutcome.SUCCESS, Optional.empty()), r);
        assertTrue(r.needsReset());
        assertEquals(0, ports.inUse());
        assertEquals(Optional.empty(), synAck(h, p, 6)); // a retransmitted SYN-ACK: probe already over
    }

    @Test
    void strayAndForgedSegmentsAreIgnored() {
        HealthChecker h = checker(List.of(A));
        Probe p = only(h.due(0));
        int port = p.sourcePort();
        long ack = p.expectedAck();
        assertEquals(Optional.empty(), h.onReply(A.address(), 80, port, SYN | ACK, (ack + 1) & 0xffffffffL, 1));
        assertEquals(Optional.empty(), h.onReply(B.address(), 80, port, SYN | ACK, ack, 1));
        assertEquals(Optional.empty(), h.onReply(A.address(), 81, port, SYN | ACK, ack, 1));
        assertEquals(Optional.empty(), h.onReply(A.address(), 80, port + 1, SYN | ACK, ack, 1));
        assertEquals(Optional.empty(), h.onReply(A.address(), 80, port, ACK, ack, 1));
        assertEquals(Optional.empty(), h.onReply(A.address(), 80, port, SYN, ack, 1));
        assertEquals(Optional.empty(), h.onReply(A.address(), 80, port, RST, 0, 1)); // blind reset
        assertTrue(h.claims(GW, port));
        assertFalse(h.claims(GW, port + 1));
        assertFalse(h.claims(IPv4Address.of("203.0.113.1"), port));
        assertEquals(ProbeOutcome.SUCCESS, synAck(h, p, 2).orElseThrow().outcome());
    }

    @Test
    void consecutiveFailuresTakeAServerDownAndSuccessesBringItBack() {
        HealthChecker h = checker(List.of(A));
        Probe p1 = only(h.due(0));
        assertEquals(new ProbeResult(p1, ProbeOutcome.REFUSED, Optional.empty()), rst(h, p1, 3).orElseThrow());
        assertTrue(h.isUp(A));
        Probe p2 = only(h.due(2000));
        assertEquals(List.of(), h.expire(2999));
        ProbeResult timeout = onlyResult(h.expire(3000));
        assertEquals(ProbeOutcome.TIMEOUT, timeout.outcome());
        assertEquals(p2, timeout.probe());
        assertEquals(Optional.of(new HealthTransition(A, false,
                "2 failed checks in a row (last: no answer within 1000 ms)", 3000)), timeout.transition());
        assertFalse(h.isUp(A));

        Probe p3 = only(h.due(4000));
        assertEquals(Optional.empty(), synAck(h, p3, 4001).orElseThrow().transition());
        assertFalse(h.isUp(A));
        Probe p4 = only(h.due(6000));
        assertEquals(Optional.of(new HealthTransition(A, true, "2 successful checks in a row", 6002)),
                synAck(h, p4, 6002).orElseThrow().transition());
        assertTrue(h.isUp(A));
        assertEquals(List.of(new HealthStatus(A, true, 0, 2, 4, 2, Optional.of(ProbeOutcome.SUCCESS))),
                h.status());
    }

    @Test
    void aSuccessBreaksAFailureStreak() {
        HealthChecker h = checker(List.of(A));
        rst(h, only(h.due(0)), 1);
        synAck(h, only(h.due(2000)), 2001);
        assertEquals(Optional.empty(), rst(h, only(h.due(4000)), 4001).orElseThrow().transition());
        assertTrue(h.isUp(A));
        assertTrue(rst(h, only(h.due(6000)), 6001).orElseThrow().transition().isPresent());
    }

    @Test
    void aProbeTheEngineCannotSendIsAFailure() {
        HealthChecker h = checker(List.of(A));
        Probe p1 = only(h.due(0));
        assertEquals(ProbeOutcome.UNREACHABLE, h.unreachable(p1, 0).orElseThrow().outcome());
        assertEquals(Optional.empty(), h.unreachable(p1, 0));
        Probe p2 = only(h.due(2000));
        assertEquals("2 failed checks in a row (last: server unreachable (no MAC or port))",
                h.unreachable(p2, 2000).orElseThrow().transition().orElseThrow().reason());
    }

    @Test
    void checkersOfOneSwitchShareTheProbePorts() {
        ProbePorts two = new ProbePorts(new PortSpan(61000, 61001));
        HealthChecker h1 = new HealthChecker(CHECK, GW, List.of(A), two, new SplittableRandom(1), 0);
        HealthChecker h2 = new HealthChecker(CHECK, GW, List.of(A, B), two, new SplittableRandom(2), 0);
        Probe p1 = only(h1.due(0));
        Probe p2 = only(h2.due(0)); // B waits: no port left
        assertEquals(List.of(61000, 61001), List.of(p1.sourcePort(), p2.sourcePort()));
        // h2 does not take h1's reply
        assertEquals(Optional.empty(), synAck(h2, p1, 1));
        assertEquals(ProbeOutcome.SUCCESS, synAck(h1, p1, 1).orElseThrow().outcome());
        Probe pb = only(h2.due(2));
        assertEquals(B, pb.server());
        assertEquals(61000, pb.sourcePort()); // the port h1's probe gave back
        assertEquals(2, two.inUse());
    }

    @Test
    void removedServersFreeTheirPortsAndNewOnesAreCheckedAtOnce() {
        HealthChecker h = checker(List.of(A));
        Probe p = only(h.due(0));
        h.setServers(List.of(B), 500);
        assertEquals(0, ports.inUse());
        assertEquals(Optional.empty(), synAck(h, p, 501));
        assertEquals(B, only(h.due(500)).server());
        assertTrue(h.isUp(B));
        assertFalse(h.isUp(A));
        h.close();
        assertEquals(0, ports.inUse());
        assertEquals(Long.MAX_VALUE, h.nextEventAt());
    }

    private static ProbeResult onlyResult(List<ProbeResult> results) {
        assertEquals(1, results.size(), results.toString());
        return results.get(0);
    }
}
