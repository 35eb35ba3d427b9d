package io.flowmasq.controller.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Reads the inside networks and the outside interface of one switch, and checks that they do not
 * collide: no switch port used twice, no two networks overlapping, no gateway MAC used twice.
 * One instance per switch.
 */
final class InterfaceReader {
    /** The highest physical port number OpenFlow 1.3 allows (OFPP_MAX); above it are reserved ports. */
    static final long MAX_PORT = 0xfffffeffL;

    private static final Set<String> INSIDE_FIELDS = Set.of("ports", "gateway", "mac");
    private static final Set<String> OUTSIDE_FIELDS = Set.of("port", "address", "publicAddresses", "mac", "nextHop", "mtu");

    private record Network(Cidr cidr, String path) {
    }

    private final DatapathId dpid;
    private final Problems problems;
    private final Claims<OFPort> ports = new Claims<>();
    private final Claims<MacAddress> macs = new Claims<>();
    private final List<Network> insideNetworks = new ArrayList<>();

    InterfaceReader(DatapathId dpid, Problems problems) {
        this.dpid = dpid;
        this.problems = problems;
    }

    /**
     * The MAC address a gateway interface gets when the file names none: locally administered
     * {@code 02:f1:DD:DD:DD:II}, where DD:DD:DD are the low three bytes of the datapath id and II is 00
     * for the outside interface and {@code index + 1} for {@code inside[index]}.
     */
    static MacAddress derivedMac(DatapathId dpid, int interfaceByte) {
        long low24 = dpid.getLong() & 0xffffffL;
        return MacAddress.of(0x02f1L << 32 | low24 << 8 | (interfaceByte & 0xff));
    }

    InsideConfig inside(ConfigNode node, int index) {
        ConfigObject fields = node.object(INSIDE_FIELDS);
        if (fields == null) {
            return null;
        }
        List<OFPort> portList = ports(fields.required("ports"));
        ConfigNode gatewayNode = fields.required("gateway");
        Cidr gateway = network(gatewayNode, 30);
        if (gateway != null) {
            insideNetworks.add(new Network(gateway, gatewayNode.path()));
        }
        MacAddress mac = mac(fields.optional("mac"), node.path(), index + 1);
        if (portList == null || gateway == null || mac == null) {
            return null;
        }
        return new InsideConfig(portList, gateway.address(), gateway.prefixLength(), mac);
    }

    OutsideConfig outside(ConfigNode node) {
        ConfigObject fields = node.object(OUTSIDE_FIELDS);
        if (fields == null) {
            return null;
        }
        OFPort port = port(fields.required("port"));
        // A /31 is a usual point-to-point uplink (RFC 3021); an inside network needs room for hosts.
        Cidr address = network(fields.required("address"), 31);
        List<IPv4Address> publicAddresses = publicAddresses(fields.optional("publicAddresses"), address);
        MacAddress mac = mac(fields.optional("mac"), node.path(), 0);
        IPv4Address nextHop = nextHop(fields.required("nextHop"), address);
        Integer mtu = mtu(fields.optional("mtu"));
        if (port == null || address == null || publicAddresses == null || mac == null || nextHop == null
                || mtu == null) {
            return null;
        }
        return new OutsideConfig(port, address.address(), address.prefixLength(), publicAddresses, mac, nextHop, mtu);
    }

    private static Integer mtu(ConfigNode node) {
        if (node == null) {
            return OutsideConfig.DEFAULT_MTU;
        }
        Long mtu = node.integer(OutsideConfig.MIN_MTU, OutsideConfig.MAX_MTU, "an MTU in bytes");
        return mtu == null ? null : mtu.intValue();
    }

    private List<OFPort> ports(ConfigNode node) {
        List<ConfigNode> elements = node == null ? null : node.nonEmptyArray();
        if (elements == null) {
            return null;
        }
        List<OFPort> result = new ArrayList<>();
        for (ConfigNode element : elements) {
            result.add(port(element));
        }
        return result.contains(null) ? null : result;
    }

    private OFPort port(ConfigNode node) {
        Long number = node == null ? null : node.integer(1, MAX_PORT, "a switch port number");
        if (number == null) {
            return null;
        }
        OFPort port = OFPort.of((int) number.longValue());
        return ports.claim(port, node) ? port : null;
    }

    /** An interface address whose network must not overlap any inside network read before. */
    private Cidr network(ConfigNode node, int maxPrefix) {
        Cidr cidr = node == null ? null : ValueSyntax.hostCidr(node, maxPrefix);
        if (cidr == null) {
            return null;
        }
        for (Network earlier : insideNetworks) {
            if (earlier.cidr().overlaps(cidr)) {
                node.error(node.json() + " overlaps " + earlier.path() + " (" + earlier.cidr().networkText() + ")");
                return null;
            }
        }
        return cidr;
    }

    private MacAddress mac(ConfigNode node, String interfacePath, int interfaceByte) {
        if (node != null) {
            MacAddress mac = ValueSyntax.mac(node);
            return mac != null && macs.claim(mac, node) ? mac : null;
        }
        MacAddress derived = derivedMac(dpid, interfaceByte);
        String earlier = macs.claim(derived, interfacePath + " (its default mac)");
        if (earlier != null) {
            problems.error(interfacePath + ".mac",
                    "the default " + derived + " is also used by " + earlier + "; set a mac explicitly");
            return null;
        }
        return derived;
    }

    private List<IPv4Address> publicAddresses(ConfigNode node, Cidr interfaceAddress) {
        List<IPv4Address> result = new ArrayList<>();
        if (interfaceAddress != null) {
            result.add(interfaceAddress.address());
        }
        if (node == null) {
            return interfaceAddress == null ? null : result;
        }
        List<ConfigNode> elements = node.nonEmptyArray();
        if (elements == null) {
            return null;
        }
        Claims<IPv4Address> seen = new Claims<>();
        boolean valid = interfaceAddress != null;
        for (ConfigNode element : elements) {
            IPv4Address address = ValueSyntax.ipv4(element);
            if (address == null || !listedOnce(seen, address, element) || !outsideInsideNetworks(address, element)) {
                valid = false;
            } else if (interfaceAddress != null && !address.equals(interfaceAddress.address())) {
                result.add(address); // the interface address is first wherever it was listed
            }
        }
        return valid ? result : null;
    }

    private static boolean listedOnce(Claims<IPv4Address> seen, IPv4Address address, ConfigNode node) {
        String earlier = seen.claim(address, node.path());
        if (earlier != null) {
            node.error(node.json() + " is listed twice (also at " + earlier + ")");
        }
        return earlier == null;
    }

    private boolean outsideInsideNetworks(IPv4Address address, ConfigNode node) {
        for (Network network : insideNetworks) {
            if (network.cidr().contains(address)) {
                node.error(node.json() + " is in the inside network " + network.path()
                        + " (" + network.cidr().networkText() + ")");
                return false;
            }
        }
        return true;
    }

    private IPv4Address nextHop(ConfigNode node, Cidr outside) {
        IPv4Address hop = node == null ? null : ValueSyntax.ipv4(node);
        if (hop == null || outside == null) {
            return null;
        }
        String problem = null;
        if (!outside.contains(hop)) {
            problem = " is not in the outside network " + outside.networkText();
        } else if (hop.equals(outside.address())) {
            problem = " is the outside address itself, not a next-hop router";
        } else if (outside.prefixLength() <= 30 && hop.equals(outside.network())) {
            problem = " is the network address of " + outside.networkText() + ", not a host address";
        } else if (outside.prefixLength() <= 30 && hop.equals(outside.broadcast())) {
            problem = " is the broadcast address of " + outside.networkText() + ", not a host address";
        }
        if (problem != null) {
            node.error(node.json() + problem);
            return null;
        }
        return hop;
    }
}
