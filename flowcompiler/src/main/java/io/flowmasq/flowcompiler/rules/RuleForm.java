package io.flowmasq.flowcompiler.rules;

import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/** What a rule does with the traffic it matches. The JSON {@code type} of each form is its {@link #type()}. */
public sealed interface RuleForm {
    /** The config and REST name of the form. */
    String type();

    /**
     * NAPT (masquerade) over {@code addresses}, paired: each inside host always uses the same one of them
     * (RFC 4787 REQ-2). Empty: the switch's own {@code outside.publicAddresses}.
     */
    record Masquerade(List<IPv4Address> addresses) implements RuleForm {
        public Masquerade {
            addresses = List.copyOf(addresses);
        }

        @Override
        public String type() {
            return "masquerade";
        }
    }

    /**
     * Basic NAT from a pool: an inside host gets one of {@code addresses} to itself (ports kept) for as long
     * as it has bindings. When none is free, NAPT on {@code fallback} if present, else the flow is refused.
     */
    record AddressPool(List<IPv4Address> addresses, Optional<IPv4Address> fallback) implements RuleForm {
        public AddressPool {
            addresses = List.copyOf(addresses);
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("a pool needs at least one address");
            }
            Objects.requireNonNull(fallback, "fallback");
        }

        @Override
        public String type() {
            return "pool";
        }
    }

    /**
     * Static NAT, both directions, connections from either side: {@code inside} is mapped onto
     * {@code external}, prefixes of one length, host bits kept. A /32 is static 1:1 NAT ({@code "static"}),
     * a shorter prefix network-to-network NAT ({@code "netmap"}).
     */
    record StaticNat(IPv4AddressWithMask inside, IPv4AddressWithMask external) implements RuleForm {
        public StaticNat {
            inside = Prefixes.normalise(inside);
            external = Prefixes.normalise(external);
            if (Prefixes.length(inside) != Prefixes.length(external)) {
                throw new IllegalArgumentException("inside " + Prefixes.label(inside) + " and public "
                        + Prefixes.label(external) + " must have the same prefix length");
            }
        }

        @Override
        public String type() {
            return Prefixes.length(inside) == 32 ? "static" : "netmap";
        }

        public IPv4Address externalOf(IPv4Address insideHost) {
            return Prefixes.at(external, Prefixes.offsetOf(inside, insideHost));
        }

        public IPv4Address insideOf(IPv4Address externalAddress) {
            return Prefixes.at(inside, Prefixes.offsetOf(external, externalAddress));
        }
    }

    /**
     * Twice NAT between overlapping networks: the inside network {@code inside} appears outside as
     * {@code insideAs}, and the remote network {@code outside} (reached through the outside port) appears
     * inside as {@code outsideAs}. A packet from inside to {@code outsideAs} has its source and its destination
     * rewritten in one flow; host bits are kept on both sides.
     */
    record TwiceNat(IPv4AddressWithMask inside, IPv4AddressWithMask insideAs, IPv4AddressWithMask outside,
                    IPv4AddressWithMask outsideAs) implements RuleForm {
        public TwiceNat {
            inside = Prefixes.normalise(inside);
            insideAs = Prefixes.normalise(insideAs);
            outside = Prefixes.normalise(outside);
            outsideAs = Prefixes.normalise(outsideAs);
            if (Prefixes.length(inside) != Prefixes.length(insideAs)) {
                throw new IllegalArgumentException("inside " + Prefixes.label(inside) + " and insideAs "
                        + Prefixes.label(insideAs) + " must have the same prefix length");
            }
            if (Prefixes.length(outside) != Prefixes.length(outsideAs)) {
                throw new IllegalArgumentException("outside " + Prefixes.label(outside) + " and outsideAs "
                        + Prefixes.label(outsideAs) + " must have the same prefix length");
            }
        }

        @Override
        public String type() {
            return "twice";
        }
    }

    /**
     * Port forwarding (DNAT): {@code external} address, ports {@code externalPorts}, to {@code inside} from
     * port {@code insidePort} on (a span maps onto a span of the same size), with the matching outbound rewrite.
     */
    record PortForward(Protocol protocol, IPv4Address external, PortSpan externalPorts, IPv4Address inside,
                       int insidePort) implements RuleForm {
        /** A forward is a static binding per port: more than this many would be a netmap in disguise. */
        public static final int MAX_PORTS = 1024;

        public PortForward {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(external, "external");
            Objects.requireNonNull(externalPorts, "externalPorts");
            Objects.requireNonNull(inside, "inside");
            if (externalPorts.first() < 1) {
                throw new IllegalArgumentException("public port must be 1..65535");
            }
            if (externalPorts.size() > MAX_PORTS) {
                throw new IllegalArgumentException("at most " + MAX_PORTS + " ports per forward: " + externalPorts);
            }
            if (insidePort < 1 || insidePort + externalPorts.size() - 1 > 65535) {
                throw new IllegalArgumentException("inside ports " + insidePort + ".." + (insidePort
                        + externalPorts.size() - 1) + " outside 1..65535");
            }
        }

        @Override
        public String type() {
            return "portForward";
        }

        /** The inside endpoint of public port {@code port}. */
        public Endpoint insideOf(int port) {
            return new Endpoint(inside, insidePort + (port - externalPorts.first()));
        }
    }

    /**
     * A NAT-based virtual server: new connections to {@code external} are spread over {@code servers} by
     * {@code policy}; each connection is a binding to the server chosen for it.
     */
    record VirtualServer(Protocol protocol, Endpoint external, Scheduling policy, List<RealServer> servers,
                         Optional<HealthCheck> healthCheck) implements RuleForm {
        public VirtualServer {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(external, "external");
            Objects.requireNonNull(policy, "policy");
            servers = List.copyOf(servers);
            if (servers.isEmpty()) {
                throw new IllegalArgumentException("a virtual server needs at least one server");
            }
            if (external.port() < 1) {
                throw new IllegalArgumentException("virtual server port must be 1..65535");
            }
            Objects.requireNonNull(healthCheck, "healthCheck");
        }

        @Override
        public String type() {
            return "virtualServer";
        }
    }

    /** One real server of a virtual server; weight 0 drains it (no new connections). */
    record RealServer(Endpoint address, int weight) {
        public static final int MAX_WEIGHT = 1000;

        public RealServer {
            Objects.requireNonNull(address, "address");
            if (weight < 0 || weight > MAX_WEIGHT) {
                throw new IllegalArgumentException("weight must be 0.." + MAX_WEIGHT + ": " + weight);
            }
            if (address.port() < 1) {
                throw new IllegalArgumentException("server port must be 1..65535");
            }
        }
    }

    /** How a virtual server picks the server of a new connection. */
    enum Scheduling {
        /** In turn, weights ignored. */
        ROUND_ROBIN("roundRobin"),
        /** Smooth weighted round robin: in proportion to the weights, interleaved. */
        WEIGHTED("weighted"),
        /** Fewest live connections (bindings) per unit of weight. */
        LEAST_CONNECTIONS("leastConnections"),
        /** Fewest bytes sent per unit of weight, from the flow counters the controller polls (seed 003). */
        BYTES("bytes");

        private final String label;

        Scheduling(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Optional<Scheduling> byLabel(String label) {
            for (Scheduling s : values()) {
                if (s.label.equals(label)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return label.toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A TCP connect check of each server from the controller's host: every {@code intervalSeconds}, a connect
     * that does not succeed within {@code timeoutMillis} is a failure; {@code failures} in a row take the
     * server out of the rotation, {@code successes} in a row bring it back.
     */
    record HealthCheck(int intervalSeconds, int timeoutMillis, int failures, int successes) {
        public HealthCheck {
            if (intervalSeconds < 1 || intervalSeconds > 3600) {
                throw new IllegalArgumentException("intervalSeconds must be 1..3600: " + intervalSeconds);
            }
            if (timeoutMillis < 10 || timeoutMillis > 60_000) {
                throw new IllegalArgumentException("timeoutMillis must be 10..60000: " + timeoutMillis);
            }
            if (failures < 1 || failures > 100 || successes < 1 || successes > 100) {
                throw new IllegalArgumentException("failures and successes must be 1..100");
            }
        }
    }
}
