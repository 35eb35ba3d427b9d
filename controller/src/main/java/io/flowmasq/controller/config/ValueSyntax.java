package io.flowmasq.controller.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * Reads the textual values of the file: IPv4 addresses, address/prefix pairs, MAC addresses and
 * datapath ids. Each method reports its own mistake on the node and returns null.
 */
final class ValueSyntax {
    // No leading zeros: "010.0.0.1" is octal to some tools and decimal to others.
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9]\\d{0,2})(?:\\.(0|[1-9]\\d{0,2})){3}");
    private static final Pattern CIDR = Pattern.compile("([^/]*)/(\\d{1,2})");
    private static final Pattern MAC = Pattern.compile("\\p{XDigit}{2}(?::\\p{XDigit}{2}){5}");
    private static final Pattern DPID = Pattern.compile("\\p{XDigit}{2}(?::\\p{XDigit}{2}){7}|\\p{XDigit}{16}");

    private ValueSyntax() {
    }

    static IPv4Address ipv4(ConfigNode node) {
        String text = node.string();
        if (text == null) {
            return null;
        }
        IPv4Address address = parseIpv4(text);
        if (address == null) {
            node.error(node.json() + " is not an IPv4 address");
        }
        return address;
    }

    /**
     * An interface address "a.b.c.d/len" with {@code len} in 1..maxPrefix. For prefixes up to /30 the
     * address must be a host of its network, not the network or broadcast address (a /31 has neither,
     * RFC 3021).
     */
    static Cidr hostCidr(ConfigNode node, int maxPrefix) {
        String text = node.string();
        if (text == null) {
            return null;
        }
        Matcher m = CIDR.matcher(text);
        if (!m.matches()) {
            String example = parseIpv4(text) != null ? text : "10.0.0.1";
            node.error(node.json() + " must be an address with a prefix length, like \"" + example + "/24\"");
            return null;
        }
        IPv4Address address = parseIpv4(m.group(1));
        if (address == null) {
            node.error(node.json() + " is not an IPv4 address with a prefix length, like \"10.0.0.1/24\"");
            return null;
        }
        int length = Integer.parseInt(m.group(2));
        if (length < 1 || length > maxPrefix) {
            node.error(node.json() + " has a prefix length outside 1.." + maxPrefix);
            return null;
        }
        Cidr cidr = new Cidr(address, length);
        if (length <= 30 && address.equals(cidr.network())) {
            node.error(node.json() + " is the network address of " + cidr.networkText() + ", not a host address");
            return null;
        }
        if (length <= 30 && address.equals(cidr.broadcast())) {
            node.error(node.json() + " is the broadcast address of " + cidr.networkText() + ", not a host address");
            return null;
        }
        return cidr;
    }

    /** A unicast MAC address "02:f1:00:00:00:01" (the gateway answers ARP with it). */
    static MacAddress mac(ConfigNode node) {
        String text = node.string();
        if (text == null) {
            return null;
        }
        if (!MAC.matcher(text).matches()) {
            node.error(node.json() + " is not a MAC address (like \"02:f1:00:00:00:01\")");
            return null;
        }
        MacAddress mac = MacAddress.of(text);
        // The group bit of the first byte; Loxi's isMulticast() leaves out broadcast, which is a group too.
        boolean group = (mac.getLong() & 0x0100_0000_0000L) != 0;
        if (group || mac.equals(MacAddress.NONE)) {
            node.error(node.json() + " is not a unicast MAC address");
            return null;
        }
        return mac;
    }

    /** A datapath id, "00:00:00:00:00:00:00:01" or "0000000000000001". */
    static DatapathId dpid(ConfigNode node) {
        String text = node.string();
        if (text == null) {
            return null;
        }
        if (!DPID.matcher(text).matches()) {
            node.error(node.json() + " is not a datapath id (like \"00:00:00:00:00:00:00:01\" or \"0000000000000001\")");
            return null;
        }
        return DatapathId.of(Long.parseUnsignedLong(text.replace(":", ""), 16));
    }

    static IPv4Address parseIpv4(String text) {
        if (!IPV4.matcher(text).matches()) {
            return null;
        }
        int value = 0;
        for (String part : text.split("\\.")) {
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return null;
            }
            value = value << 8 | octet;
        }
        return IPv4Address.of(value);
    }
}
