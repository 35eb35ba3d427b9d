package io.flowmasq.flowcompiler.rules;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/** Prefix arithmetic on Loxi's {@link IPv4AddressWithMask} (contiguous masks only). */
public final class Prefixes {
    private Prefixes() {
    }

    public static IPv4AddressWithMask of(String address, int length) {
        return normalise(IPv4Address.of(address).withMaskOfLength(length));
    }

    public static IPv4AddressWithMask host(IPv4Address a) {
        return a.withMaskOfLength(32);
    }

    /** Host bits cleared, so equal prefixes compare equal. */
    public static IPv4AddressWithMask normalise(IPv4AddressWithMask p) {
        int length = length(p);
        return IPv4AddressWithMask.of(p.getValue().and(p.getMask()), IPv4Address.ofCidrMaskLength(length));
    }

    public static int length(IPv4AddressWithMask p) {
        int mask = p.getMask().getInt();
        int length = Integer.bitCount(mask);
        if (length != 0 && mask != (int) (0xFFFF_FFFFL << (32 - length))) {
            throw new IllegalArgumentException("not a contiguous mask: " + p.getMask());
        }
        return length;
    }

    /** Whether {@code outer} contains every address of {@code inner}. */
    public static boolean covers(IPv4AddressWithMask outer, IPv4AddressWithMask inner) {
        return length(outer) <= length(inner) && outer.matches(inner.getValue());
    }

    public static boolean overlap(IPv4AddressWithMask a, IPv4AddressWithMask b) {
        return covers(a, b) || covers(b, a);
    }

    public static long size(IPv4AddressWithMask p) {
        return 1L << (32 - length(p));
    }

    /** The address at {@code offset} from the prefix's first address. */
    public static IPv4Address at(IPv4AddressWithMask p, long offset) {
        if (offset < 0 || offset >= size(p)) {
            throw new IllegalArgumentException("offset " + offset + " outside " + label(p));
        }
        return IPv4Address.of((int) (unsigned(p.getValue()) + offset));
    }

    /** How far {@code a} is from the prefix's first address. */
    public static long offsetOf(IPv4AddressWithMask p, IPv4Address a) {
        if (!p.matches(a)) {
            throw new IllegalArgumentException(a + " is not in " + label(p));
        }
        return unsigned(a) - unsigned(p.getValue());
    }

    /** The address as an unsigned number, for ordering and arithmetic across 255.255.255.255. */
    public static long unsigned(IPv4Address a) {
        return a.getInt() & 0xFFFF_FFFFL;
    }

    /** "10.0.0.0/24", or "any" for 0.0.0.0/0. */
    public static String label(IPv4AddressWithMask p) {
        int length = length(p);
        return length == 0 ? "any" : p.getValue() + "/" + length;
    }
}
