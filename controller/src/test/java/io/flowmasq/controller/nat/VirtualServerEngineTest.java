package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.GW_OUT;
import static io.flowmasq.controller.nat.EngineHarness.OUT;
import static io.flowmasq.controller.nat.EngineHarness.ROUTER;
import static io.flowmasq.controller.nat.RuleEngines.H3;
import static io.flowmasq.controller.nat.RuleEngines.H4;
import static io.flowmasq.controller.nat.RuleEngines.P4;
import static io.flowmasq.controller.nat.RuleEngines.P5;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowDump;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

/** Virtual servers in the engine: scheduling over many connections, health checks by packet-out probes. */
class VirtualServerEngineTest {
    private static final String H3_80 = "10.0.0.13:80";
    private static final String H4_80 = "10.0.0.14:80";

    private static String rules(String policy, int w3, int w4, String health) {
        return String.format("""
                [{"id": "www", "type": "virtualServer", "protocol": "tcp", "public": "203.0.113.80:80",
                  "policy": "%s", "servers": [{"address": "%s", "weight": %d}, {"address": "%s", "weight": %d}]%s},
                 {"id": "lan", "type": "masquerade"}]""", policy, H3_80, w3, H4_80, w4,
                health.isEmpty() ? "" : ", \"healthCheck\": " + health);
    }

    private static final String HEALTH = "{\"intervalSeconds\": 2, \"timeoutMillis\": 1000, \"failures\": 2,"
            + " \"successes\": 1}";

    private static EngineHarness harness(OFVersion v, String rules) {
        EngineHarness h = RuleEngines.connected(v, RuleEngines.config(rules));
        RuleEngines.hostAnswers(h, P4, H3, "10.0.0.13");
        RuleEngines.hostAnswers(h, P5, H4, "10.0.0.14");
        return h;
    }

    private static byte[] syn(String client, int port) {
        return Frames.tcp(ROUTER, GW_OUT, client, port, "203.0.113.80", 80, Frames.SYN);
    }

    /** A client's SYN reaches the engine (the trap sent it up); the server it was given, if any. */
    private static Optional<String> connect(EngineHarness h, String client, int port) {
        List<OFMessage> out = h.packetIn(OUT, syn(client, port));
        return h.engine.bindings().forInbound(io.flowmasq.flowcompiler.Protocol.TCP, Endpoint.of("203.0.113.80", 80),
                Endpoint.of(client, port)).map(b -> b.inside().toString()).filter(s -> !out.isEmpty());
    }

    private static Map<String, Integer> perServer(EngineHarness h) {
        Map<String, Integer> out = new TreeMap<>();
        h.engine.bindings().all().forEach(b -> out.merge(b.inside().toString(), 1, Integer::sum));
        return out;
    }

    /** The target addresses of the ARP requests among the messages (packet-outs of ARP frames). */
    private static List<String> arpTargets(List<OFMessage> out) {
        List<String> targets = new ArrayList<>();
        for (OFMessage m : out) {
            if (m instanceof OFPacketOut po && po.getData().length >= 42) {
                ByteBuffer f = ByteBuffer.wrap(po.getData());
                if (f.getShort(12) == 0x0806 && f.getShort(20) == 1) {
                    byte[] d = po.getData();
                    targets.add((d[38] & 0xff) + "." + (d[39] & 0xff) + "." + (d[40] & 0xff) + "." + (d[41] & 0xff));
                }
            }
        }
        return targets;
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theServersAreLocatedWhenTheRuleStartsSoTheFirstClientsAreNotDropped(OFVersion v) {
        EngineHarness h = new EngineHarness(v, RuleEngines.config(rules("roundRobin", 1, 1, "")));
        List<String> asked = arpTargets(h.engine.onConnect(h.now));
        assertTrue(asked.contains("10.0.0.13") && asked.contains("10.0.0.14"), asked.toString());
        h.routerAnswersArp();
        RuleEngines.hostAnswers(h, P4, H3, "10.0.0.13");
        RuleEngines.hostAnswers(h, P5, H4, "10.0.0.14");
        // round robin from the very first connection: no SYN lost to a server not yet located
        assertEquals(Optional.of(H3_80), connect(h, "198.51.100.7", 40000));
        assertEquals(Optional.of(H4_80), connect(h, "198.51.100.7", 40001));
        assertEquals(0, h.counter("nat.vs.unresolved"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void weightedThreeToOneOverTenThousandConnections(OFVersion v) {
        EngineHarness h = harness(v, rules("weighted", 3, 1, ""));
        for (int i = 0; i < 10_000; i++) {
            byte[] frame = syn("198.51.100." + (7 + i / 5000), 1024 + i % 5000);
            h.engine.onPacketIn(h.buildPacketIn(OUT, frame, OFBufferId.NO_BUFFER), h.now);
        }
        Map<String, Integer> n = perServer(h);
        assertEquals(10_000, n.get(H3_80) + n.get(H4_80));
        assertTrue(Math.abs(n.get(H3_80) - 7500) <= 375, n.toString());
        assertTrue(Math.abs(n.get(H4_80) - 2500) <= 125, n.toString());
        assertEquals(10_000, h.counter("nat.vs.connection"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void leastConnectionsFollowsTheSessionsThatEnd(OFVersion v) {
        EngineHarness h = harness(v, rules("leastConnections", 1, 1, ""));
        for (int port = 40000; port < 40004; port++) {
            connect(h, "198.51.100.7", port);
        }
        assertEquals(Map.of(H3_80, 2, H4_80, 2), perServer(h));
        // h3's two sessions end (their outbound flows idle out): the next two connections go to h3
        for (Binding b : h.engine.bindings().all().stream().filter(b -> b.inside().toString().equals(H3_80))
                .toList()) {
            h.expire(Cookies.binding(b.id()).getValue());
        }
        assertEquals(Map.of(H4_80, 2), perServer(h));
        assertEquals(Optional.of(H3_80), connect(h, "198.51.100.7", 41000));
        assertEquals(Optional.of(H3_80), connect(h, "198.51.100.7", 41001));
        assertEquals(Map.of(H3_80, 2, H4_80, 2), perServer(h));
    }

    /** The probe SYN's source port and sequence number, from the packet-out. */
    private record ProbeSent(OFPort port, int srcPort, long seq) {
    }

    private static List<ProbeSent> probes(List<OFMessage> out) {
        List<ProbeSent> probes = new ArrayList<>();
        for (OFPacketOut p : RuleEngines.packetOuts(out)) {
            ByteBuffer b = ByteBuffer.wrap(p.getData());
            if (b.getShort(12) == 0x0800 && b.get(23) == 6 && (b.get(47) & 0x3f) == Frames.SYN) {
                OFPort port = ((org.projectfloodlight.openflow.protocol.action.OFActionOutput) p.getActions().get(0))
                        .getPort();
                probes.add(new ProbeSent(port, b.getShort(34) & 0xffff, b.getInt(38) & 0xffffffffL));
            }
        }
        return probes;
    }

    /** A server's answer to a probe: {@code flags} with ack = probe ISN + 1. */
    private static byte[] reply(MacAddress mac, String server, ProbeSent p, int flags) {
        ByteBuffer l4 = ByteBuffer.allocate(20);
        l4.putShort((short) 80).putShort((short) p.srcPort()).putInt(777).putInt((int) (p.seq() + 1))
                .putShort((short) (0x5000 | flags)).putShort((short) 1000).putShort((short) 0).putShort((short) 0);
        return Frames.ipv4(mac, GW_IN, server, "10.0.0.1", 6, 64, l4.array());
    }

    private static ProbeSent probeTo(List<ProbeSent> probes, OFPort port) {
        return probes.stream().filter(p -> p.port().equals(port)).findFirst().orElseThrow(() ->
                new AssertionError("no probe out of " + port + ": " + probes));
    }

    /** Ticks until each server has been probed once; the probes sent. */
    private static List<ProbeSent> probeRound(EngineHarness h) {
        List<ProbeSent> sent = new ArrayList<>();
        for (int i = 0; i < 3 && sent.size() < 2; i++) {
            h.now += 1_000;
            sent.addAll(probes(h.engine.onTick(h.now)));
        }
        return sent;
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aServerThatResetsTheProbesLeavesTheRotationAndComesBackOnASynAck(OFVersion v) {
        EngineHarness h = harness(v, rules("roundRobin", 1, 1, HEALTH));
        connect(h, "198.51.100.7", 40000);
        connect(h, "198.51.100.7", 40001);
        assertEquals(Map.of(H3_80, 1, H4_80, 1), perServer(h));
        int flowsBefore = h.table.entries().size();

        for (int round = 0; round < 2; round++) {
            List<ProbeSent> sent = probeRound(h);
            h.packetIn(P4, reply(H3, "10.0.0.13", probeTo(sent, P4), 0x14)); // RST+ACK: refused
            ProbeSent toH4 = probeTo(sent, P5);
            List<OFMessage> answer = h.packetIn(P5, reply(H4, "10.0.0.14", toH4, 0x12)); // SYN-ACK: up
            assertTrue(FlowDump.lines(answer).stream().anyMatch(l -> l.startsWith("packet_out in_port=")
                    || l.startsWith("packet_out")), answer.toString());
        }
        assertEquals(1, h.counter("nat.vs.server_down"));
        // no new connection goes to h3; its existing session is untouched
        for (int port = 41000; port < 41010; port++) {
            assertEquals(Optional.of(H4_80), connect(h, "198.51.100.8", port));
        }
        assertEquals(1, perServer(h).get(H3_80));
        // per new session its two flows, and on OF1.3 its handshake flow (no server answered here)
        assertEquals(flowsBefore + (v == OFVersion.OF_13 ? 30 : 20), h.table.entries().size(),
                "only the new sessions' flows were added");

        // h3 answers a probe with a SYN-ACK: the gateway resets the half-open connection, h3 is back
        ProbeSent toH3 = probeTo(probeRound(h), P4);
        List<OFMessage> rst = h.packetIn(P4, reply(H3, "10.0.0.13", toH3, 0x12));
        List<OFPacketOut> outs = RuleEngines.packetOuts(rst);
        assertEquals(1, outs.size(), rst.toString());
        ByteBuffer r = ByteBuffer.wrap(outs.get(0).getData());
        assertEquals(toH3.srcPort(), r.getShort(34) & 0xffff);
        assertEquals(80, r.getShort(36) & 0xffff);
        assertEquals(toH3.seq() + 1, r.getInt(38) & 0xffffffffL, "seq = the SYN-ACK's ack");
        assertEquals(TCP_RST, r.get(47) & 0x3f);
        assertEquals(1, h.counter("nat.vs.server_up"));
        List<String> chosen = new ArrayList<>();
        for (int port = 42000; port < 42004; port++) {
            chosen.add(connect(h, "198.51.100.9", port).orElseThrow());
        }
        assertEquals(2, chosen.stream().filter(H3_80::equals).count(), chosen.toString());
    }

    private static final int TCP_RST = 0x04;

    /**
     * Bytes policy: a server back from DOWN enters at the others' byte floor, not at zero, so it does not take
     * every new connection until its count catches up.
     */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aServerBackFromDownDoesNotTakeEveryNewConnectionUnderTheBytesPolicy(OFVersion v) {
        EngineHarness h = harness(v, rules("bytes", 1, 1, HEALTH));
        for (int round = 0; round < 2; round++) { // h3 goes DOWN
            List<ProbeSent> sent = probeRound(h);
            h.packetIn(P4, reply(H3, "10.0.0.13", probeTo(sent, P4), 0x14));
            h.packetIn(P5, reply(H4, "10.0.0.14", probeTo(sent, P5), 0x12));
        }
        assertEquals(1, h.counter("nat.vs.server_down"));
        for (int port = 40000; port < 40004; port++) {
            assertEquals(Optional.of(H4_80), connect(h, "198.51.100.7", port));
        }
        // h4's sessions carried a lot, as the flow-stats poll says
        h.now += 1_000;
        h.engine.onTrafficPolled(id -> Optional.of(5_000_000L), h.now - 100, h.now);
        List<ProbeSent> sent = probeRound(h); // h3 comes back
        h.packetIn(P4, reply(H3, "10.0.0.13", probeTo(sent, P4), 0x12));
        assertEquals(1, h.counter("nat.vs.server_up"));

        List<String> chosen = new ArrayList<>();
        for (int port = 41000; port < 41010; port++) {
            chosen.add(connect(h, "198.51.100.8", port).orElseThrow());
            h.now += 1_000;
            h.engine.onTrafficPolled(id -> Optional.of(5_000_000L), h.now - 100, h.now);
        }
        assertTrue(chosen.contains(H4_80), "h3 at zero bytes would take all ten: " + chosen);
        assertTrue(chosen.contains(H3_80), chosen.toString());
    }

    /** OF1.3: every SYN to the VIP is trapped; one from the port of a closing connection is scheduled afresh. */
    @Test
    void aSynOnThePortOfAClosingConnectionIsScheduledAfresh() {
        EngineHarness h = harness(OFVersion.OF_13, rules("roundRobin", 1, 1, ""));
        EngineHarness.Switched first = h.switchReceives(OUT, syn("198.51.100.7", 40000));
        assertTrue(first.result().toController());
        String server = perServer(h).keySet().iterator().next();
        // the server's SYN-ACK establishes the session; then the client closes: its FIN is reported, CLOSING
        boolean h3 = server.equals(H3_80);
        EngineHarness.Switched synAck = h.switchReceives(h3 ? P4 : P5, Frames.tcp(h3 ? H3 : H4, GW_IN,
                h3 ? "10.0.0.13" : "10.0.0.14", 80, "198.51.100.7", 40000, 0x12));
        assertEquals(OUT.getPortNumber(), synAck.result().only().port(), "forwarded by the switch");
        assertTrue(synAck.result().toController(), "and reported by the session's handshake flow");
        assertEquals(BindingState.ESTABLISHED, h.engine.bindings().all().iterator().next().state());
        assertFalse(h.switchReceives(OUT, Frames.tcp(ROUTER, GW_OUT, "198.51.100.7", 40000, "203.0.113.80", 80, 0x10))
                .result().toController(), "the client's ACK stays on the switch");
        h.switchReceives(OUT, Frames.tcp(ROUTER, GW_OUT, "198.51.100.7", 40000, "203.0.113.80", 80, 0x11));
        Binding old = h.engine.bindings().all().iterator().next();
        assertEquals(BindingState.CLOSING, old.state());

        EngineHarness.Switched again = h.switchReceives(OUT, syn("198.51.100.7", 40000));
        assertTrue(again.result().toController(), "the SYN trap sits above the session's flows");
        assertEquals(1, h.counter("nat.vs.port_reused"));
        assertEquals(1, h.engine.bindings().size());
        String now = h.engine.bindings().all().iterator().next().inside().toString();
        assertTrue(!now.equals(server), "round robin: the other server, " + now + " after " + server);
    }
}
