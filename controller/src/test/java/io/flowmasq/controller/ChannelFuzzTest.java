package io.flowmasq.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flowmasq.controller.config.ConfigLoader;
import io.flowmasq.controller.fuzz.ChannelFuzzer;
import io.flowmasq.controller.fuzz.FuzzFrames;
import io.flowmasq.controller.fuzz.FuzzNetwork;
import io.flowmasq.controller.fuzz.FuzzSwitch;
import io.flowmasq.controller.fuzz.OpenFlowMutations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.U64;

/**
 * The real controller (OpenFlow channel, sessions, engines, REST) in-process on free ports, with a clean
 * switch (dpid 1) connected while a fuzzing client, as a second configured switch (dpid 2), sends 20,000
 * mutated OpenFlow messages. Afterwards the clean switch's session is still the same and answers a SYN
 * with flow-mods and a packet-out, a new session of the fuzzed switch does too, the decoder and engine
 * counted what they dropped, and no exception reached the end of any pipeline or escaped a handler.
 */
class ChannelFuzzTest {
    static final long SEED = Long.getLong("fuzz.seed", 0xC4A77E1L);
    static final int MESSAGES = Integer.getInteger("fuzz.channel.messages", 20_000);
    static final DatapathId CLEAN = DatapathId.of(1);
    static final DatapathId FUZZED = DatapathId.of(2);
    /** The fuzzed switch's own networks, apart from the clean one's (FuzzNetwork.standard()). */
    static final FuzzNetwork FUZZ_NET = new FuzzNetwork(IPv4Address.of("10.0.1.11"), 8, IPv4Address.of("10.0.1.1"),
            MacAddress.of("02:f1:00:00:01:01"), List.of(1, 2), IPv4Address.of("192.0.2.1"),
            MacAddress.of("02:f1:00:00:01:02"), IPv4Address.of("192.0.2.10"), MacAddress.of("00:00:00:00:01:aa"),
            List.of(IPv4Address.of("198.51.100.20"), IPv4Address.of("203.0.113.99")), 3);

    private Controller controller;

    @BeforeEach
    void start() throws Exception {
        String config = """
                {"openflow": {"address": "127.0.0.1", "port": %d},
                 "rest": {"address": "127.0.0.1", "port": %d},
                 "switches": [
                  {"dpid": "00:00:00:00:00:00:00:01", "name": "clean",
                   "inside": [{"ports": [1, 2], "gateway": "10.0.0.1/24", "mac": "02:f1:00:00:00:01"}],
                   "outside": {"port": 3, "address": "203.0.113.1/24", "mac": "02:f1:00:00:00:02",
                               "nextHop": "203.0.113.10"},
                   "portRange": {"first": 40000, "last": 40063}},
                  {"dpid": "00:00:00:00:00:00:00:02", "name": "fuzzed",
                   "inside": [{"ports": [1, 2], "gateway": "10.0.1.1/24", "mac": "02:f1:00:00:01:01"}],
                   "outside": {"port": 3, "address": "192.0.2.1/24", "mac": "02:f1:00:00:01:02",
                               "nextHop": "192.0.2.10"},
                   "portRange": {"first": 10000, "last": 65535}, "mssClamp": 1400}
                 ]}""".formatted(freePort(), freePort());
        controller = Controller.start(ConfigLoader.parse(config), System::currentTimeMillis);
    }

    @AfterEach
    void stop() {
        if (controller != null) {
            controller.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_13", "OF_10"})
    void controllerServesSwitchesAfterAFuzzedSession(OFVersion version) throws Exception {
        InetSocketAddress of = controller.openflowAddress();
        FuzzNetwork cleanNet = FuzzNetwork.standard();
        OpenFlowMutations cleanMessages = new OpenFlowMutations(version, cleanNet, 1);
        try (FuzzSwitch clean = FuzzSwitch.connect(of, version, CLEAN, cleanNet, cleanMessages)) {
            assertTrue(clean.sync(10_000));
            ChannelFuzzer.Result result = new ChannelFuzzer(of, version, FUZZED, FUZZ_NET, SEED).run(MESSAGES);
            assertEquals(MESSAGES, result.sent(), "seed " + SEED);

            assertFalse(clean.isClosed(), "the clean switch's session was cut");
            assertNewFlowAnswered(clean, cleanMessages, cleanNet, 40001);
            try (FuzzSwitch again = FuzzSwitch.connect(of, version, FUZZED, FUZZ_NET,
                    new OpenFlowMutations(version, FUZZ_NET, 2))) {
                assertNewFlowAnswered(again, new OpenFlowMutations(version, FUZZ_NET, 2), FUZZ_NET, 40002);
            }
            JsonObject counters = stats().getAsJsonObject("counters");
            assertTrue(count(counters, "of.parse_errors") > 0, "parse errors: " + counters);
            assertTrue(counters.keySet().stream().filter(k -> k.startsWith("nat.malformed."))
                    .mapToLong(k -> count(counters, k)).sum() > 0, "malformed: " + counters);
            assertEquals(0, count(counters, "of.pipeline_exceptions"), "exceptions reached Netty: " + counters);
            assertEquals(0, count(counters, "handler.exceptions"), "a SwitchHandler threw: " + counters);
            // only framing loss closes a session, and every such message did
            assertEquals(0, result.unexpectedCloses(), result.toString());
            assertEquals(result.reconnects(), count(counters, "of.framing_errors"), result + " with " + counters);
        }
    }

    /** A SYN from inside to a new destination is answered with the binding's flow-mods and a packet-out. */
    private static void assertNewFlowAnswered(FuzzSwitch sw, OpenFlowMutations messages, FuzzNetwork net, int port)
            throws Exception {
        byte[] syn = synFrame(net, port);
        sw.capture();
        sw.send(OpenFlowMutations.bytes(messages.packetIn(syn, net.insidePorts().get(0), U64.ZERO)));
        sw.flush();
        Set<OFType> seen = EnumSet.noneOf(OFType.class);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!(seen.contains(OFType.FLOW_MOD) && seen.contains(OFType.PACKET_OUT))
                && System.currentTimeMillis() < deadline) {
            OFMessage m = sw.poll(200);
            if (m != null) {
                seen.add(m.getType());
            }
        }
        assertTrue(seen.contains(OFType.FLOW_MOD) && seen.contains(OFType.PACKET_OUT), "answered with " + seen);
    }

    private static byte[] synFrame(FuzzNetwork net, int sport) {
        // a valid SYN from the first inside host: the generator's frames with a fixed choice of kind
        for (int seed = 0; ; seed++) {
            FuzzFrames.Frame f = new FuzzFrames(net).next(new Random(seed));
            byte[] b = f.bytes();
            if (b.length >= 54 && b[12] == 0x08 && b[13] == 0 && b[23] == 6 && (b[14 + 20 + 13] & 0x12) == 0x02
                    && (b[14] & 0x0f) == 5 && f.inPort() != net.outsidePort()) {
                b[34] = (byte) (sport >> 8);
                b[35] = (byte) sport;
                return b; // the TCP checksum is now wrong: the controller does not check it, the switch would
            }
        }
    }

    private JsonObject stats() throws IOException, InterruptedException {
        InetSocketAddress rest = controller.restAddress();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + rest.getPort() + "/api/v1/stats")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private static long count(JsonObject counters, String name) {
        return counters.has(name) ? counters.get(name).getAsLong() : 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
