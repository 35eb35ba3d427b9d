package io.flowmasq.controller.config;

import static io.flowmasq.controller.config.ConfigFixtures.MINIMAL;
import static io.flowmasq.controller.config.ConfigFixtures.valid;
import static io.flowmasq.controller.config.ConfigFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** Files that load, and the values they load to. */
class ConfigLoaderTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "masquerade.json");

    @Test
    void exampleFileLoadsToTheValuesItSpells() throws Exception {
        ValidatedConfig validated = ConfigLoader.validate(EXAMPLE);
        assertEquals(List.of(), validated.warnings());
        FlowmasqConfig config = validated.config();
        assertEquals(new ListenConfig("0.0.0.0", 6653), config.openflow());
        assertEquals(new ListenConfig("127.0.0.1", 8080), config.rest());
        assertEquals(TimerConfig.RFC, config.timers());
        SwitchConfig s1 = config.switches().get(0);
        assertEquals(1, config.switches().size());
        assertEquals(DatapathId.of(1), s1.dpid());
        assertEquals("s1", s1.name());
        assertEquals(List.of(
                new InsideConfig(List.of(OFPort.of(1), OFPort.of(2)), ip("10.0.0.1"), 24, mac("02:f1:00:00:00:01"))),
                s1.inside());
        assertEquals(new OutsideConfig(OFPort.of(3), ip("203.0.113.1"), 24, List.of(ip("203.0.113.1")),
                mac("02:f1:00:00:00:02"), ip("203.0.113.10"), 1500), s1.outside());
        assertEquals(PortRange.DEFAULT, s1.portRange());
        assertEquals(TimerConfig.RFC, s1.timers());
    }

    @Test
    void loadReadsAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("flowmasq.json"), MINIMAL);
        assertEquals(ConfigLoader.parse(MINIMAL), ConfigLoader.load(file));
    }

    @Test
    void defaultsFillEverythingOptional() {
        FlowmasqConfig config = valid(MINIMAL).config();
        assertEquals(new ListenConfig("0.0.0.0", 6653), config.openflow());
        assertEquals(new ListenConfig("127.0.0.1", 8080), config.rest());
        assertEquals(TimerConfig.RFC, config.timers());
        SwitchConfig s = config.switches().get(0);
        assertEquals("s1", s.name());
        assertEquals(PortRange.DEFAULT, s.portRange());
        assertEquals(TimerConfig.RFC, s.timers());
        assertEquals(mac("02:f1:00:00:01:01"), s.inside().get(0).mac());
        assertEquals(mac("02:f1:00:00:01:00"), s.outside().mac());
        assertEquals(List.of(ip("203.0.113.1")), s.outside().publicAddresses());
    }

    @Test
    void listenFieldsDefaultSeparately() {
        FlowmasqConfig config = valid(with(with(MINIMAL, "openflow", "{\"port\": 0}"), "rest",
                "{\"address\": \"0.0.0.0\"}")).config();
        assertEquals(new ListenConfig("0.0.0.0", 0), config.openflow());
        assertEquals(new ListenConfig("0.0.0.0", 8080), config.rest());
    }

    @Test
    void linuxMasqueradeProfileIsSelectable() {
        String json = with(MINIMAL, "timers", "{\"profile\": \"linux-masquerade\"}");
        assertEquals(TimerConfig.LINUX_MASQUERADE, valid(json).config().timers());
        assertEquals(TimerConfig.LINUX_MASQUERADE, valid(json).config().switches().get(0).timers());
    }

    @Test
    void profileValuesAreOverriddenFieldByField() {
        String json = with(MINIMAL, "timers", "{\"profile\": \"linux-masquerade\", \"tcpEstablished\": 3600}");
        assertEquals(new TimerConfig("linux-masquerade", 3600, 120, 300, 60), valid(json).config().timers());
    }

    @Test
    void switchTimersOverrideTheGlobalOnesFieldByField() {
        String json = with(with(MINIMAL, "timers", "{\"profile\": \"linux-masquerade\", \"icmp\": 30}"),
                "switches[0].timers", "{\"udp\": 3}");
        ValidatedConfig validated = valid(json);
        assertEquals(new TimerConfig("linux-masquerade", 900, 120, 300, 30), validated.config().timers());
        assertEquals(new TimerConfig("linux-masquerade", 900, 120, 3, 30),
                validated.config().switches().get(0).timers());
        assertEquals(List.of("switches[0].timers.udp: 3 s is below the RFC 4787 minimum of 120 s"),
                validated.warnings());
    }

    @Test
    void switchProfileReplacesTheGlobalBaseBeforeItsOverrides() {
        String json = with(with(MINIMAL, "timers", "{\"profile\": \"linux-masquerade\", \"icmp\": 30}"),
                "switches[0].timers", "{\"profile\": \"rfc\", \"tcpTransitory\": 300}");
        assertEquals(new TimerConfig("rfc", 7440, 300, 300, 60), valid(json).config().switches().get(0).timers());
    }

    @Test
    void lowGlobalUdpTimeoutIsAWarningNotAnError() {
        String json = with(MINIMAL, "timers", "{\"udp\": 60}");
        ValidatedConfig validated = valid(json);
        assertEquals(60, validated.config().switches().get(0).timers().udp());
        assertEquals(List.of("timers.udp: 60 s is below the RFC 4787 minimum of 120 s"), validated.warnings());
    }

    @Test
    void interfaceAddressIsPutFirstAmongPublicAddresses() {
        String listedLater = with(MINIMAL, "switches[0].outside.publicAddresses", "[\"203.0.113.5\", \"203.0.113.1\"]");
        String notListed = with(MINIMAL, "switches[0].outside.publicAddresses", "[\"192.0.2.7\", \"203.0.113.5\"]");
        assertEquals(List.of(ip("203.0.113.1"), ip("203.0.113.5")),
                valid(listedLater).config().switches().get(0).outside().publicAddresses());
        assertEquals(List.of(ip("203.0.113.1"), ip("192.0.2.7"), ip("203.0.113.5")),
                valid(notListed).config().switches().get(0).outside().publicAddresses());
    }

    @Test
    void dpidInBareHexAndTheHighestPortNumber() {
        String json = with(with(MINIMAL, "switches[0].dpid", "\"00000A0B0C0D0E0F\""), "switches[0].inside[0].ports",
                "[4294967039]");
        SwitchConfig s = valid(json).config().switches().get(0);
        assertEquals(DatapathId.of("00:00:0a:0b:0c:0d:0e:0f"), s.dpid());
        assertEquals(List.of(OFPort.ofInt(0xfffffeff)), s.inside().get(0).ports());
        assertEquals(mac("02:f1:0d:0e:0f:01"), s.inside().get(0).mac());
    }

    @Test
    void pointToPointOutsideLinkIsAllowed() {
        String json = with(with(MINIMAL, "switches[0].outside.address", "\"198.51.100.0/31\""),
                "switches[0].outside.nextHop", "\"198.51.100.1\"");
        OutsideConfig outside = valid(json).config().switches().get(0).outside();
        assertEquals(ip("198.51.100.0"), outside.address());
        assertEquals(31, outside.prefixLength());
    }

    @Test
    void portRangeFieldsDefaultSeparately() {
        String json = with(MINIMAL, "switches[0].portRange", "{\"first\": 20000}");
        assertEquals(new PortRange(20000, 65535), valid(json).config().switches().get(0).portRange());
    }

    @Test
    void derivedMacsFollowTheDocumentedLayout() {
        DatapathId dpid = DatapathId.of("00:00:aa:bb:cc:12:34:56");
        assertEquals(mac("02:f1:12:34:56:00"), InterfaceReader.derivedMac(dpid, 0));
        assertEquals(mac("02:f1:12:34:56:03"), InterfaceReader.derivedMac(dpid, 3));
    }

    private static IPv4Address ip(String text) {
        return IPv4Address.of(text);
    }

    private static MacAddress mac(String text) {
        return MacAddress.of(text);
    }
}
