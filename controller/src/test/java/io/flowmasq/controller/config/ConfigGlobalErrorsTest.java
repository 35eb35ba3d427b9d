package io.flowmasq.controller.config;

import static io.flowmasq.controller.config.ConfigFixtures.MINIMAL;
import static io.flowmasq.controller.config.ConfigFixtures.errors;
import static io.flowmasq.controller.config.ConfigFixtures.with;
import static io.flowmasq.controller.config.ConfigFixtures.without;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Mistakes in the listeners, the timers, and the list of switches. */
class ConfigGlobalErrorsTest {
    private static final String SECOND_SWITCH = """
            {"dpid": "0000000000000002",
             "inside": [{"ports": [1], "gateway": "10.0.0.1/24"}],
             "outside": {"port": 2, "address": "198.51.100.1/24", "nextHop": "198.51.100.2"}}""";

    @Test
    void listenPortOutOfRange() {
        assertEquals(List.of("openflow.port: 70000 is not a port number (0..65535)"),
                errors(with(MINIMAL, "openflow", "{\"port\": 70000}")));
    }

    @Test
    void listenAddressMustBeAnIpv4Literal() {
        assertEquals(List.of("rest.address: \"localhost\" is not an IPv4 address"),
                errors(with(MINIMAL, "rest", "{\"address\": \"localhost\"}")));
    }

    @Test
    void addressWithLeadingZerosIsAmbiguous() {
        assertEquals(List.of("rest.address: \"127.000.0.1\" is not an IPv4 address"),
                errors(with(MINIMAL, "rest", "{\"address\": \"127.000.0.1\"}")));
    }

    @Test
    void unknownTimerProfile() {
        assertEquals(List.of("timers.profile: \"linux\" is not a timer profile (\"rfc\" or \"linux-masquerade\")"),
                errors(with(MINIMAL, "timers", "{\"profile\": \"linux\"}")));
    }

    @Test
    void timeoutOutOfRange() {
        assertEquals(List.of("timers.tcpEstablished: 0 is not a timeout in seconds (1..65535)",
                        "switches[0].timers.udp: 65536 is not a timeout in seconds (1..65535)"),
                errors(with(with(MINIMAL, "timers", "{\"tcpEstablished\": 0}"), "switches[0].timers", "{\"udp\": 65536}")));
    }

    @Test
    void switchesRequired() {
        assertEquals(List.of("switches: required"), errors(without(MINIMAL, "switches")));
    }

    @Test
    void switchesMustNotBeEmpty() {
        assertEquals(List.of("switches: [] must not be empty"), errors(with(MINIMAL, "switches", "[]")));
    }

    @Test
    void dpidRequired() {
        assertEquals(List.of("switches[0].dpid: required"), errors(without(MINIMAL, "switches[0].dpid")));
    }

    @Test
    void dpidSyntax() {
        assertEquals(List.of("switches[0].dpid: \"0x1\" is not a datapath id"
                        + " (like \"00:00:00:00:00:00:00:01\" or \"0000000000000001\")"),
                errors(with(MINIMAL, "switches[0].dpid", "\"0x1\"")));
    }

    @Test
    void duplicateDpidNamesBothSwitchesWhateverTheNotation() {
        String json = with(with(MINIMAL, "switches[1]", SECOND_SWITCH), "switches[1].dpid", "\"0000000000000001\"");
        assertEquals(List.of("switches[1].dpid: \"0000000000000001\" is also used by switches[0]"), errors(json));
    }

    @Test
    void duplicateDpidInColonNotation() {
        String json = with(with(MINIMAL, "switches[1]", SECOND_SWITCH), "switches[1].dpid",
                "\"00:00:00:00:00:00:00:01\"");
        assertEquals(List.of("switches[1].dpid: \"00:00:00:00:00:00:00:01\" is also used by switches[0]"), errors(json));
    }

    @Test
    void duplicateName() {
        String json = with(with(with(MINIMAL, "switches[1]", SECOND_SWITCH), "switches[0].name", "\"edge\""),
                "switches[1].name", "\"edge\"");
        assertEquals(List.of("switches[1].name: \"edge\" is also used by switches[0]"), errors(json));
    }

    @Test
    void defaultNameClashingWithAGivenOne() {
        String json = with(with(MINIMAL, "switches[1]", SECOND_SWITCH), "switches[0].name", "\"s2\"");
        assertEquals(List.of("switches[1].name: the default \"s2\" is also used by switches[0]; set a name"),
                errors(json));
    }

    @Test
    void blankName() {
        assertEquals(List.of("switches[0].name: \" \" must not be blank"),
                errors(with(MINIMAL, "switches[0].name", "\" \"")));
    }

    @Test
    void portRangeFirstOutOfRange() {
        assertEquals(List.of("switches[0].portRange.first: 0 is not a port number (1..65535)"),
                errors(with(MINIMAL, "switches[0].portRange", "{\"first\": 0}")));
    }

    @Test
    void portRangeLastBelowFirst() {
        assertEquals(List.of("switches[0].portRange.last: 2000 is below first (3000)"),
                errors(with(MINIMAL, "switches[0].portRange", "{\"first\": 3000, \"last\": 2000}")));
    }

    @Test
    void portRangeDefaultLastBelowFirstIsNamed() {
        assertEquals(List.of("switches[0].portRange.last: 1023 is below first (1024)"),
                errors(with(MINIMAL, "switches[0].portRange", "{\"last\": 1023}")));
    }
}
