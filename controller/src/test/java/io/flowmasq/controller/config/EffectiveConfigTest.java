package io.flowmasq.controller.config;

import static io.flowmasq.controller.config.ConfigFixtures.MINIMAL;
import static io.flowmasq.controller.config.ConfigFixtures.valid;
import static io.flowmasq.controller.config.ConfigFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@link EffectiveConfig#toJson} is a file the loader reads back to the same configuration. */
class EffectiveConfigTest {
    /** Every field set, none at its default, two switches that differ in every optional field. */
    private static final String FULL = """
            {
              "openflow": {"address": "192.0.2.5", "port": 6633},
              "rest": {"address": "0.0.0.0", "port": 9090},
              "timers": {"profile": "linux-masquerade", "udp": 600, "icmp": 30},
              "statistics": {"intervalSeconds": 30},
              "bindingLog": {"path": "/var/log/flowmasq/bindings.log", "maxFileMegabytes": 50, "maxFiles": 3},
              "switches": [
                {
                  "dpid": "00:00:00:00:00:00:00:0a",
                  "name": "edge",
                  "inside": [
                    {"ports": [1, 2], "gateway": "10.0.0.1/24", "mac": "02:aa:00:00:00:01"},
                    {"ports": [4], "gateway": "10.1.0.1/16"}
                  ],
                  "outside": {"port": 3, "address": "203.0.113.1/24",
                              "publicAddresses": ["203.0.113.1", "203.0.113.2"],
                              "mac": "02:aa:00:00:00:02", "nextHop": "203.0.113.10", "mtu": 1492},
                  "portRange": {"first": 20000, "last": 29999},
                  "timers": {"profile": "rfc", "tcpTransitory": 120},
                  "mssClamp": "auto",
                  "filtering": "endpoint-independent"
                },
                {
                  "dpid": "0000000000000002",
                  "inside": [{"ports": [1], "gateway": "192.168.1.1/24"}],
                  "outside": {"port": 4294967039, "address": "198.51.100.2/31", "nextHop": "198.51.100.3"},
                  "mssClamp": 1400,
                  "filtering": "address-dependent"
                }
              ]
            }""";

    private static FlowmasqConfig reloaded(FlowmasqConfig c) {
        return valid(EffectiveConfig.toJson(c).toString()).config();
    }

    @Test
    void aFullFileRoundTrips() {
        FlowmasqConfig c = valid(FULL).config();
        assertEquals(Optional.of(new BindingLogConfig(Path.of("/var/log/flowmasq/bindings.log"), 50, 3)),
                c.bindingLog());
        assertEquals(30, c.statsIntervalSeconds());
        assertEquals(OptionalInt.of(1452), c.switches().get(0).mssClamp());
        FlowmasqConfig again = reloaded(c);
        assertEquals(c, again);
        assertEquals(EffectiveConfig.toJson(c), EffectiveConfig.toJson(again));
    }

    @Test
    void theMinimalFileRoundTripsWithEveryDefaultWrittenOut() {
        FlowmasqConfig c = valid(MINIMAL).config();
        assertEquals(c, reloaded(c));
        JsonObject json = EffectiveConfig.toJson(c);
        assertEquals(JsonParser.parseString("""
                {"openflow": {"address": "0.0.0.0", "port": 6653},
                 "rest": {"address": "127.0.0.1", "port": 8080},
                 "timers": {"profile": "rfc", "tcpEstablished": 7440, "tcpTransitory": 240, "udp": 300, "icmp": 60},
                 "statistics": {"intervalSeconds": 10},
                 "switches": [{
                   "dpid": "00:00:00:00:00:00:00:01", "name": "s1",
                   "inside": [{"ports": [1, 2], "gateway": "10.0.0.1/24", "mac": "02:f1:00:00:01:01"}],
                   "outside": {"port": 3, "address": "203.0.113.1/24", "publicAddresses": ["203.0.113.1"],
                               "mac": "02:f1:00:00:01:00", "nextHop": "203.0.113.10", "mtu": 1500},
                   "portRange": {"first": 1024, "last": 65535},
                   "timers": {"profile": "rfc", "tcpEstablished": 7440, "tcpTransitory": 240, "udp": 300,
                              "icmp": 60},
                   "filtering": "address-and-port-dependent", "ftpPorts": [21],
                   "limits": {"bindingsPerHost": 16384, "newBindingsPerSecond": 1000, "newBindingsBurst": 2000,
                              "penaltySeconds": 5, "packetInsPerSecond": 20000, "packetInBurst": 20000,
                              "meterPacketsPerSecond": 10000, "meterBurst": 10000},
                   "onTableFull": "icmp", "portReuseDelaySeconds": 120,
                   "rules": [{"id": "masquerade", "type": "masquerade",
                              "match": {"inside": "any", "outside": "any", "protocol": "any", "ports": "any"}}]}]}"""),
                json);
    }

    @Test
    void theRulesAreShownAndReadBackToTheSameChain() throws Exception {
        FlowmasqConfig c = ConfigLoader.validate(Path.of("..", "examples", "rules.json")).config();
        assertEquals(c, reloaded(c));
        var rules = EffectiveConfig.toJson(c).getAsJsonArray("switches").get(0).getAsJsonObject()
                .getAsJsonArray("rules");
        assertEquals(8, rules.size());
        assertEquals(JsonParser.parseString("""
                {"id": "staff", "type": "pool",
                 "addresses": ["203.0.113.20-203.0.113.29", "203.0.113.40-203.0.113.43"], "fallback": "203.0.113.1",
                 "match": {"inside": "10.0.0.0/25", "outside": "any", "protocol": "any", "ports": "any"}}"""),
                rules.get(5));
        assertEquals(JsonParser.parseString("""
                {"id": "www", "type": "virtualServer", "protocol": "tcp", "public": "203.0.113.80:80",
                 "policy": "weighted",
                 "servers": [{"address": "10.0.0.13:80", "weight": 3}, {"address": "10.0.0.14:80", "weight": 1}],
                 "healthCheck": {"intervalSeconds": 2, "timeoutMillis": 1000, "failures": 2, "successes": 1}}"""),
                rules.get(7));
    }

    @Test
    void theTokenIsMaskedAndOnlyShownWhenThereIsOne() {
        FlowmasqConfig withToken = valid(with(MINIMAL, "rest", "{\"token\": \"0123456789abcdef-secret\"}")).config();
        JsonObject rest = EffectiveConfig.toJson(withToken).getAsJsonObject("rest");
        assertEquals("********", rest.get("token").getAsString());
        assertFalse(EffectiveConfig.toJson(withToken).toString().contains("secret"));
        assertFalse(EffectiveConfig.toJson(valid(MINIMAL).config()).getAsJsonObject("rest").has("token"));
        // apart from the token, the masked document still reads back to the same settings
        FlowmasqConfig back = valid(EffectiveConfig.toJson(withToken).toString()
                .replace("\"token\":\"********\",", "").replace(",\"token\":\"********\"", "")).config();
        assertEquals(new FlowmasqConfig(withToken.openflow(), withToken.rest(), Optional.empty(), withToken.timers(),
                withToken.switches(), withToken.statsIntervalSeconds(), withToken.bindingLog()), back);
    }

    @Test
    void theConstructorWithoutTheNewFieldsUsesTheirDefaults() {
        FlowmasqConfig c = valid(MINIMAL).config();
        assertEquals(c, new FlowmasqConfig(c.openflow(), c.rest(), c.timers(), c.switches()));
        assertEquals(List.of(), valid(MINIMAL).warnings());
    }
}
