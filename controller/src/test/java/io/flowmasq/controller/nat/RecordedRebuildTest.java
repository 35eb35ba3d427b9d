package io.flowmasq.controller.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flowmasq.controller.config.ConfigException;
import io.flowmasq.controller.config.ConfigLoader;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.FlowDecompiler;
import io.flowmasq.flowcompiler.HandshakeReport;
import io.flowmasq.flowcompiler.InstalledFlow;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.TcpFlags;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The binding table rebuilt from flow-stats replies a real Open vSwitch (3.1, userspace datapath) sent flowmasq
 * on a reconnect, recorded by {@code mininet/record_flow_stats.py} with the bindings the controller's REST API
 * listed just before ({@code src/test/resources/recorded/}). Unlike {@link BindingRebuildTest}, whose dumps are
 * our own compiler's output, these show the matches and actions the way the switch reports them.
 *
 * <p>The engine is built from the very configuration the recorded controller ran with (read by the real
 * {@link ConfigLoader}).
 */
class RecordedRebuildTest {
    /** The recordings: OF1.3 and OF1.0, each under the default and under endpoint-independent filtering. */
    private static final String OF13 = "flow-stats-of13";
    private static final String OF10 = "flow-stats-of10";
    private static final String OF13_EIF = "flow-stats-of13-endpoint-independent";
    private static final String OF10_EIF = "flow-stats-of10-endpoint-independent";

    /** ext, the next-hop router of the recorded topology (mininet/flowmasq_topo.py HOST_TABLE). */
    private static final MacAddress EXT_MAC = MacAddress.of("00:00:00:00:00:a0");
    private static final String EXT_IP = "203.0.113.10";
    private static final MacAddress H3_MAC = MacAddress.of("00:00:00:00:00:13");
    private static final String H3_IP = "10.0.0.13";
    /** Later than the recording, as a restarted controller's clock is. */
    private static final long NOW = 5_000_000;

    /** One recording: the switch's reply, the listing and the controller's config. */
    private record Recording(String name, OFVersion version, List<OFFlowStatsEntry> entries,
                             List<JsonObject> bindings, SwitchConfig config) {
        List<InstalledFlow> flows() {
            return FlowDecompiler.decompile(entries);
        }

        long maxId() {
            return bindings.stream().mapToLong(b -> b.get("id").getAsLong()).max().orElseThrow();
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RecordedRebuildTest.class.getResourceAsStream("/recorded/" + name)) {
            assertNotNull(in, "test resource recorded/" + name);
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static Recording load(String name) throws IOException, OFParseError, ConfigException {
        List<OFFlowStatsEntry> entries = new ArrayList<>();
        OFVersion version = null;
        for (String line : resource(name + ".hex").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            byte[] bytes = HexFormat.of().parseHex(line.strip());
            OFMessage m = OFFactories.getGenericReader().readFrom(Unpooled.wrappedBuffer(bytes));
            assertNotNull(m, name + ": a whole message per line");
            OFFlowStatsReply reply = assertInstanceOf(OFFlowStatsReply.class, m, name + ": a flow-stats reply");
            assertTrue(version == null || version == reply.getVersion(), name + ": one OpenFlow version");
            version = reply.getVersion();
            entries.addAll(reply.getEntries());
        }
        assertNotNull(version, name + ": at least one message");
        JsonObject meta = JsonParser.parseString(resource(name + ".json")).getAsJsonObject();
        List<JsonObject> bindings = new ArrayList<>();
        meta.getAsJsonArray("bindings").forEach(b -> bindings.add(b.getAsJsonObject()));
        SwitchConfig config = ConfigLoader.parse(meta.get("config").toString()).switches().get(0);
        return new Recording(name, version, entries, bindings, config);
    }

    private static EngineHarness engine(Recording r, BindingIds ids) {
        EngineHarness h = new EngineHarness(r.version(), r.config(), ids, new RecordingListener());
        h.now = NOW;
        return h;
    }

    /** A restarted controller: connects (its pipeline) and reconciles with the recorded reply. */
    private static NatEngine.Rebuilt restart(EngineHarness h, Recording r) {
        h.apply(h.engine.onConnect(h.now));
        return h.engine.reconcile(r.flows(), h.now);
    }

    /** The next hop answers the gateway's ARP request, with the MAC the recorded flows send to. */
    private static void extAnswersArp(EngineHarness h, Recording r) {
        h.packetIn(r.config().outside().port(), Frames.arp(2, r.config().outside().mac(), EXT_MAC, EXT_IP,
                r.config().outside().mac(), r.config().outside().address().toString()));
    }

    private static String str(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    @ParameterizedTest
    @ValueSource(strings = {OF13, OF10, OF13_EIF, OF10_EIF})
    void everyFlowIsReadAndOnlyBindingFlowsAreBindings(String name) throws Exception {
        Recording r = load(name);
        assertEquals(r.name().contains("of13") ? OFVersion.OF_13 : OFVersion.OF_10, r.version());
        List<InstalledFlow> flows = r.flows();
        Map<InstalledFlow.Kind, Long> kinds = flows.stream()
                .collect(Collectors.groupingBy(InstalledFlow::kind, Collectors.counting()));
        // the recorded traffic made no hairpin, and nothing but flowmasq writes to this switch
        // plus, on OF1.3, the handshake report flow of the one transitory binding (the SYN nobody answers)
        long transitory = r.bindings().stream().filter(b -> b.get("state").getAsString().equals("transitory")).count();
        assertEquals(r.version() == OFVersion.OF_13 ? 1 : 0, transitory, name);
        assertEquals(2L * r.bindings().size() + transitory, kinds.getOrDefault(InstalledFlow.Kind.BINDING, 0L),
                name + ": two flows per listed binding, three for a transitory one: " + kinds);
        assertTrue(kinds.getOrDefault(InstalledFlow.Kind.PIPELINE, 0L) > 0, name + ": the pipeline is there");
        assertEquals(flows.size(), kinds.getOrDefault(InstalledFlow.Kind.BINDING, 0L)
                + kinds.get(InstalledFlow.Kind.PIPELINE), name + ": no foreign or unknown flows: " + kinds);
        for (InstalledFlow f : flows) {
            if (f.kind() == InstalledFlow.Kind.BINDING) {
                assertNull(f.undecodable(), name + ": the switch's report of " + f.match() + " decompiles");
                assertTrue(f.isBinding(), name + ": " + f.match());
            } else {
                assertNull(f.half(), name + ": a pipeline flow is no binding half: " + f.match());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {OF13, OF10, OF13_EIF, OF10_EIF})
    void aRestartedControllerAdoptsExactlyTheListedBindings(String name) throws Exception {
        Recording r = load(name);
        BindingIds ids = new BindingIds();
        EngineHarness h = engine(r, ids);
        NatEngine.Rebuilt rebuilt = restart(h, r);

        RebuildSummary s = rebuilt.summary();
        assertEquals(r.entries().size(), s.flows(), name + ": " + s.describe());
        assertEquals(r.bindings().size(), s.adopted(), name + ": " + s.describe());
        assertEquals(0, s.kept(), name + ": " + s.describe());
        assertEquals(0, s.repaired(), name + ": " + s.describe());
        assertEquals(0, s.removedTotal(), name + ": " + s.describe());
        assertEquals(0, s.released(), name + ": " + s.describe());
        assertEquals(List.of(), rebuilt.messages(), name + ": nothing to repair or delete");
        assertEquals(r.bindings().size(), h.counter("nat.rebuild.adopted"));

        Map<Long, Binding> adopted = h.engine.snapshot().stream()
                .collect(Collectors.toMap(Binding::id, Function.identity()));
        assertEquals(r.bindings().size(), adopted.size(), name + ": only the listed bindings: " + adopted);
        for (JsonObject want : r.bindings()) {
            long id = want.get("id").getAsLong();
            Binding b = adopted.get(id);
            assertNotNull(b, name + ": binding " + id + " adopted with its id: " + want);
            String what = name + ": binding " + id + " " + want + " adopted as " + b;
            assertEquals(str(want, "protocol"), b.protocol().label(), what);
            assertEquals(str(want, "inside_address"), b.inside().address().toString(), what);
            assertEquals(want.get("inside_port").getAsInt(), b.inside().port(), what);
            assertEquals(str(want, "public_address"), b.external().address().toString(), what);
            assertEquals(want.get("public_port").getAsInt(), b.external().port(), what);
            assertEquals(str(want, "remote"), b.spec().remote() == null ? null : b.spec().remote().toString(), what);
            assertEquals(str(want, "origin"), b.origin().label(), what);
            assertEquals(str(want, "state"), b.state().label(), what);
            assertEquals(want.get("idle_timeout_seconds").getAsInt(), b.spec().idleTimeout(), what);
            assertTrue(b.createdAt() < NOW, what + ": its age comes from the flow's duration");
        }
        assertTrue(ids.next() > r.maxId(), name + ": a new id never reuses a cookie on the switch");
    }

    /**
     * What our compiler would install for each adopted binding is what the switch reported: the same match,
     * priority, idle timeout and actions (so the rebuild compares like with like, and a change in how the
     * compiler writes a flow that the switch would store differently shows up here).
     */
    @ParameterizedTest
    @ValueSource(strings = {OF13, OF10, OF13_EIF, OF10_EIF})
    void theSwitchReportsTheBindingFlowsAsTheCompilerWritesThem(String name) throws Exception {
        Recording r = load(name);
        EngineHarness h = engine(r, new BindingIds());
        restart(h, r);
        FlowCompiler compiler = FlowCompiler.forFactory(h.factory);
        Map<String, OFFlowStatsEntry> reported = r.entries().stream()
                .collect(Collectors.toMap(e -> e.getCookie() + "/" + e.getIdleTimeout() + "/" + e.getMatch(),
                        Function.identity()));
        int compared = 0;
        for (Binding b : h.engine.snapshot()) {
            for (OFMessage m : compiler.installBinding(b.spec(), b.state() == BindingState.TRANSITORY ? HandshakeReport.INBOUND : HandshakeReport.NONE)) {
                OFFlowMod mod = (OFFlowMod) m;
                String key = mod.getCookie() + "/" + mod.getIdleTimeout() + "/" + mod.getMatch();
                OFFlowStatsEntry e = reported.get(key);
                assertNotNull(e, name + ": the switch reported no flow " + key + " of " + b + "; it has "
                        + reported.keySet());
                assertEquals(mod.getPriority(), e.getPriority(), name + ": priority of " + key);
                assertEquals(mod.getHardTimeout(), e.getHardTimeout(), name + ": hard timeout of " + key);
                if (r.version() == OFVersion.OF_10) {
                    assertEquals(mod.getActions(), e.getActions(), name + ": actions of " + key);
                } else {
                    assertEquals(mod.getInstructions(), e.getInstructions(), name + ": instructions of " + key);
                }
                compared++;
            }
        }
        assertEquals(2 * r.bindings().size() + (r.version() == OFVersion.OF_13 ? 1 : 0), compared,
                "three flows of the transitory binding on OF1.3");
    }

    @ParameterizedTest
    @ValueSource(strings = {OF13, OF10, OF13_EIF, OF10_EIF})
    void theAdoptedPublicPortsAreNotGivenToAnotherHost(String name) throws Exception {
        Recording r = load(name);
        EngineHarness h = engine(r, new BindingIds());
        restart(h, r);
        extAnswersArp(h, r);
        OFPort inside = r.config().inside().get(0).ports().get(0);
        MacAddress gw = r.config().inside().get(0).mac();
        for (JsonObject held : r.bindings()) {
            int port = held.get("public_port").getAsInt();
            Protocol proto = Protocol.byLabel(str(held, "protocol")).orElseThrow();
            // a new inside host asks for exactly that port (port preservation would give it if it were free)
            byte[] frame = proto == Protocol.UDP
                    ? Frames.udp(H3_MAC, gw, H3_IP, port, EXT_IP, 7777, new byte[8])
                    : Frames.tcp(H3_MAC, gw, H3_IP, port, EXT_IP, 8088, TcpFlags.SYN);
            h.packetIn(inside, frame);
            Binding fresh = h.engine.snapshot().stream()
                    .filter(b -> b.inside().address().equals(IPv4Address.of(H3_IP)) && b.inside().port() == port
                            && b.protocol() == proto)
                    .findFirst().orElseThrow(() -> new AssertionError(name + ": no binding for " + H3_IP + ":"
                            + port + " " + proto + "; counters " + h.counters));
            assertNotEquals(port, fresh.external().port(),
                    name + ": public " + proto.label() + " port " + port + " is still binding " + held.get("id"));
            assertTrue(fresh.id() > r.maxId(), name + ": new id " + fresh.id() + " above the recorded ones");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {OF13, OF10, OF13_EIF, OF10_EIF})
    void aReconnectWithTheSameFlowsChangesNothing(String name) throws Exception {
        Recording r = load(name);
        EngineHarness h = engine(r, new BindingIds());
        restart(h, r);
        extAnswersArp(h, r);
        List<Binding> before = h.engine.snapshot();
        h.now += 2_000;
        NatEngine.Rebuilt again = h.engine.reconcile(r.flows(), h.now);

        RebuildSummary s = again.summary();
        assertEquals(r.bindings().size(), s.kept(), name + ": " + s.describe());
        assertEquals(0, s.adopted(), name + ": " + s.describe());
        assertEquals(0, s.repaired(), name + ": " + s.describe());
        assertEquals(0, s.removedTotal(), name + ": " + s.describe());
        assertEquals(0, s.released(), name + ": " + s.describe());
        assertEquals(List.of(), again.messages(), name + ": the switch already has every flow");
        assertEquals(before, h.engine.snapshot(), name + ": the same bindings, states and ages");
        assertFalse(before.isEmpty());
    }
}
