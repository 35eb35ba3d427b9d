package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;

import com.google.gson.JsonParser;
import io.flowmasq.controller.config.ConfigException;
import io.flowmasq.controller.config.ConfigLoader;
import io.flowmasq.controller.config.RuleReader;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.flowcompiler.FlowDump;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleCookies;
import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * Engines with a rule chain, for the engine-level rule tests: the switch of {@code examples/rules.json}
 * (inside 10.0.0.0/24 on ports 1, 2, 4 and 5; outside port 3, 203.0.113.1) with any chain, and the hosts
 * that answer the gateway's ARP.
 */
final class RuleEngines {
    static final MacAddress H3 = MacAddress.of("00:00:00:00:00:13");
    static final MacAddress H4 = MacAddress.of("00:00:00:00:00:14");
    static final MacAddress H5 = MacAddress.of("00:00:00:00:00:17");
    static final OFPort P4 = OFPort.of(4);
    static final OFPort P5 = OFPort.of(5);
    static final Path EXAMPLE = Path.of("..", "examples", "rules.json");

    private static final String SWITCH = """
            {"switches": [{
              "dpid": "00:00:00:00:00:00:00:01", "name": "s1",
              "inside": [{"ports": [1, 2, 4, 5], "gateway": "10.0.0.1/24", "mac": "02:f1:00:00:00:01"}],
              "outside": {"port": 3, "address": "203.0.113.1/24", "publicAddresses": ["203.0.113.1"],
                          "mac": "02:f1:00:00:00:02", "nextHop": "203.0.113.10"},
              %s
              "rules": %s
            }]}""";

    private RuleEngines() {
    }

    /** The switch with the chain {@code rulesJson} (numbered 1.. in order); {@code extra}: more switch keys. */
    static SwitchConfig config(String rulesJson, String extra) {
        try {
            return ConfigLoader.validate(String.format(SWITCH, extra.isEmpty() ? "" : extra + ",", rulesJson))
                    .config().switches().get(0);
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    static SwitchConfig config(String rulesJson) {
        return config(rulesJson, "");
    }

    static SwitchConfig example() {
        try {
            return ConfigLoader.validate(EXAMPLE).config().switches().get(0);
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    /** A rule as REST reads it, with {@code number}. */
    static Rule rule(String json, int number) {
        RuleReader.Result r = RuleReader.readOne(JsonParser.parseString(json).getAsJsonObject(), number);
        return r.rule().orElseThrow(() -> new AssertionError(r.errors()));
    }

    static EngineHarness connected(OFVersion v, SwitchConfig config) {
        return new EngineHarness(v, config).connected();
    }

    /** The inside host answers the gateway's ARP request from {@code port}. */
    static List<OFMessage> hostAnswers(EngineHarness h, OFPort port, MacAddress mac, String ip) {
        return h.packetIn(port, Frames.arp(2, GW_IN, mac, ip, GW_IN, "10.0.0.1"));
    }

    static Rule byId(EngineHarness h, String id) {
        return h.engine.rules().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    /** The table's flows with cookie kind "rule" of rule {@code number}, as text. */
    static List<String> ruleFlows(FlowTableSimulator table, int number) {
        List<String> out = new ArrayList<>();
        for (FlowTableSimulator.Entry e : table.entries()) {
            if (RuleCookies.isRuleFlow(U64.of(e.cookie())) && RuleCookies.ruleOf(U64.of(e.cookie())) == number) {
                out.add(FlowDump.entry(e));
            }
        }
        return out.stream().sorted().toList();
    }

    /** Every line of the table, sorted. */
    static List<String> tableLines(FlowTableSimulator table) {
        return table.entries().stream().map(FlowDump::entry).sorted().toList();
    }

    static List<OFPacketOut> packetOuts(List<OFMessage> messages) {
        return messages.stream().filter(m -> m instanceof OFPacketOut).map(m -> (OFPacketOut) m).toList();
    }

    static String version(OFVersion v) {
        return v == OFVersion.OF_10 ? "of10" : "of13";
    }
}
