package io.flowmasq.controller.config;

import static io.flowmasq.controller.config.ConfigFixtures.MINIMAL;
import static io.flowmasq.controller.config.ConfigFixtures.errors;
import static io.flowmasq.controller.config.ConfigFixtures.with;
import static io.flowmasq.controller.config.ConfigFixtures.without;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Mistakes in a switch's inside networks and outside interface, alone and against each other. */
class ConfigInterfaceErrorsTest {
    private static final String S0 = "switches[0].";

    private static List<String> errorsWith(String path, String value) {
        return errors(with(MINIMAL, S0 + path, value));
    }

    @Test
    void insideRequired() {
        assertEquals(List.of("switches[0].inside: required"), errors(without(MINIMAL, S0 + "inside")));
    }

    @Test
    void insideMustNotBeEmpty() {
        assertEquals(List.of("switches[0].inside: [] must not be empty"), errorsWith("inside", "[]"));
    }

    @Test
    void portsMustNotBeEmpty() {
        assertEquals(List.of("switches[0].inside[0].ports: [] must not be empty"), errorsWith("inside[0].ports", "[]"));
    }

    @Test
    void portNumberOutOfRange() {
        assertEquals(List.of("switches[0].inside[0].ports[0]: 0 is not a switch port number (1..4294967039)",
                        "switches[0].inside[0].ports[1]: 4294967040 is not a switch port number (1..4294967039)"),
                errorsWith("inside[0].ports", "[0, 4294967040]"));
    }

    @Test
    void gatewayWithoutPrefixLength() {
        assertEquals(List.of("switches[0].inside[0].gateway: \"10.0.0.1\" must be an address with a prefix length,"
                + " like \"10.0.0.1/24\""), errorsWith("inside[0].gateway", "\"10.0.0.1\""));
    }

    @Test
    void gatewayAddressNotIpv4() {
        assertEquals(List.of("switches[0].inside[0].gateway: \"10.0.0/24\" is not an IPv4 address with a prefix"
                + " length, like \"10.0.0.1/24\""), errorsWith("inside[0].gateway", "\"10.0.0/24\""));
    }

    @Test
    void gatewayPrefixLengthOutOfRange() {
        assertEquals(List.of("switches[0].inside[0].gateway: \"10.0.0.1/31\" has a prefix length outside 1..30"),
                errorsWith("inside[0].gateway", "\"10.0.0.1/31\""));
    }

    @Test
    void gatewayIsTheNetworkAddress() {
        assertEquals(List.of("switches[0].inside[0].gateway: \"10.0.0.0/24\" is the network address of 10.0.0.0/24,"
                + " not a host address"), errorsWith("inside[0].gateway", "\"10.0.0.0/24\""));
    }

    @Test
    void gatewayIsTheBroadcastAddress() {
        assertEquals(List.of("switches[0].inside[0].gateway: \"10.0.0.255/24\" is the broadcast address of"
                + " 10.0.0.0/24, not a host address"), errorsWith("inside[0].gateway", "\"10.0.0.255/24\""));
    }

    @Test
    void macSyntax() {
        assertEquals(List.of("switches[0].inside[0].mac: \"02-f1-00-00-00-01\" is not a MAC address"
                + " (like \"02:f1:00:00:00:01\")"), errorsWith("inside[0].mac", "\"02-f1-00-00-00-01\""));
    }

    @Test
    void macMustBeUnicast() {
        assertEquals(List.of("switches[0].outside.mac: \"ff:ff:ff:ff:ff:ff\" is not a unicast MAC address"),
                errorsWith("outside.mac", "\"ff:ff:ff:ff:ff:ff\""));
    }

    @Test
    void macMustNotBeMulticast() {
        assertEquals(List.of("switches[0].inside[0].mac: \"01:00:5e:00:00:01\" is not a unicast MAC address"),
                errorsWith("inside[0].mac", "\"01:00:5e:00:00:01\""));
    }

    @Test
    void macUsedTwice() {
        assertEquals(List.of("switches[0].outside.mac: \"02:f1:00:00:01:01\" is also used by switches[0].inside[0]"
                + " (its default mac)"), errorsWith("outside.mac", "\"02:f1:00:00:01:01\""));
    }

    @Test
    void defaultMacTakenByAnEarlierInterface() {
        String json = with(with(MINIMAL, S0 + "inside[0].mac", "\"02:f1:00:00:01:02\""), S0 + "inside[1]",
                "{\"ports\": [4], \"gateway\": \"10.1.0.1/24\"}");
        assertEquals(List.of("switches[0].inside[1].mac: the default 02:f1:00:00:01:02 is also used by"
                + " switches[0].inside[0].mac; set a mac explicitly"), errors(json));
    }

    @Test
    void portUsedTwiceInOneList() {
        assertEquals(List.of("switches[0].inside[0].ports[1]: 1 is also used by switches[0].inside[0].ports[0]"),
                errorsWith("inside[0].ports", "[1, 1]"));
    }

    @Test
    void portUsedByTwoInsideNetworks() {
        assertEquals(List.of("switches[0].inside[1].ports[0]: 2 is also used by switches[0].inside[0].ports[1]"),
                errorsWith("inside[1]", "{\"ports\": [2], \"gateway\": \"10.1.0.1/24\"}"));
    }

    @Test
    void portUsedByInsideAndOutside() {
        assertEquals(List.of("switches[0].outside.port: 2 is also used by switches[0].inside[0].ports[1]"),
                errorsWith("outside.port", "2"));
    }

    @Test
    void insideNetworksOverlap() {
        assertEquals(List.of("switches[0].inside[1].gateway: \"10.0.0.129/25\" overlaps switches[0].inside[0].gateway"
                + " (10.0.0.0/24)"), errorsWith("inside[1]", "{\"ports\": [4], \"gateway\": \"10.0.0.129/25\"}"));
    }

    @Test
    void outsideOverlapsInside() {
        String json = with(with(MINIMAL, S0 + "outside.address", "\"10.0.0.2/16\""), S0 + "outside.nextHop",
                "\"10.0.200.1\"");
        assertEquals(List.of("switches[0].outside.address: \"10.0.0.2/16\" overlaps switches[0].inside[0].gateway"
                + " (10.0.0.0/24)"), errors(json));
    }

    @Test
    void outsideRequired() {
        assertEquals(List.of("switches[0].outside: required"), errors(without(MINIMAL, S0 + "outside")));
    }

    @Test
    void outsideFieldsRequired() {
        assertEquals(List.of("switches[0].outside.port: required", "switches[0].outside.address: required",
                "switches[0].outside.nextHop: required"), errorsWith("outside", "{}"));
    }

    @Test
    void publicAddressListedTwice() {
        assertEquals(List.of("switches[0].outside.publicAddresses[1]: \"203.0.113.5\" is listed twice"
                        + " (also at switches[0].outside.publicAddresses[0])"),
                errorsWith("outside.publicAddresses", "[\"203.0.113.5\", \"203.0.113.5\"]"));
    }

    @Test
    void publicAddressNotIpv4() {
        assertEquals(List.of("switches[0].outside.publicAddresses[0]: \"203.0.113.5/32\" is not an IPv4 address"),
                errorsWith("outside.publicAddresses", "[\"203.0.113.5/32\"]"));
    }

    @Test
    void publicAddressInAnInsideNetwork() {
        assertEquals(List.of("switches[0].outside.publicAddresses[0]: \"10.0.0.7\" is in the inside network"
                        + " switches[0].inside[0].gateway (10.0.0.0/24)"),
                errorsWith("outside.publicAddresses", "[\"10.0.0.7\"]"));
    }

    @Test
    void publicAddressesMustNotBeEmptyWhenGiven() {
        assertEquals(List.of("switches[0].outside.publicAddresses: [] must not be empty"),
                errorsWith("outside.publicAddresses", "[]"));
    }

    @Test
    void nextHopNotIpv4() {
        assertEquals(List.of("switches[0].outside.nextHop: \"203.0.113.x\" is not an IPv4 address"),
                errorsWith("outside.nextHop", "\"203.0.113.x\""));
    }

    @Test
    void nextHopOutsideTheOutsidePrefix() {
        assertEquals(List.of("switches[0].outside.nextHop: \"198.51.100.1\" is not in the outside network"
                + " 203.0.113.0/24"), errorsWith("outside.nextHop", "\"198.51.100.1\""));
    }

    @Test
    void nextHopIsTheOutsideAddress() {
        assertEquals(List.of("switches[0].outside.nextHop: \"203.0.113.1\" is the outside address itself,"
                + " not a next-hop router"), errorsWith("outside.nextHop", "\"203.0.113.1\""));
    }

    @Test
    void nextHopIsTheBroadcastAddress() {
        assertEquals(List.of("switches[0].outside.nextHop: \"203.0.113.255\" is the broadcast address of"
                + " 203.0.113.0/24, not a host address"), errorsWith("outside.nextHop", "\"203.0.113.255\""));
    }
}
