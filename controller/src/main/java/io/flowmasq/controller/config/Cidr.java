package io.flowmasq.controller.config;

import org.projectfloodlight.openflow.types.IPv4Address;

/** An interface address with its prefix length, as written in the file ("10.0.0.1/24"). */
record Cidr(IPv4Address address, int prefixLength) {
    IPv4Address mask() {
        return IPv4Address.ofCidrMaskLength(prefixLength);
    }

    IPv4Address network() {
        return address.and(mask());
    }

    IPv4Address broadcast() {
        return network().or(mask().not());
    }

    boolean contains(IPv4Address other) {
        return other.and(mask()).equals(network());
    }

    /** Two prefixes overlap exactly when the shorter one contains the other's network address. */
    boolean overlaps(Cidr other) {
        Cidr shorter = prefixLength <= other.prefixLength ? this : other;
        Cidr longer = shorter == this ? other : this;
        return shorter.contains(longer.network());
    }

    /** The network in the usual notation, "10.0.0.0/24". */
    String networkText() {
        return network() + "/" + prefixLength;
    }
}
