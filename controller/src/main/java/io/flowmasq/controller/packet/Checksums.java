package io.flowmasq.controller.packet;

import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Internet checksums (RFC 1071) over byte ranges, and the incremental update of RFC 1624 for a
 * checksum whose covered data changed by one 16-bit word (also applied to TCP/UDP/ICMP headers).
 */
public final class Checksums {
    private Checksums() {
    }

    /** The one's complement sum of {@code length} bytes from {@code offset}, folded to 16 bits, not inverted. */
    public static int sum(byte[] data, int offset, int length) {
        long sum = 0;
        int i = offset;
        int end = offset + length;
        for (; i + 1 < end; i += 2) {
            sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (data[i] & 0xff) << 8;
        }
        return fold(sum);
    }

    /** The checksum to store for {@code length} bytes from {@code offset} (checksum field zeroed first). */
    public static int checksum(byte[] data, int offset, int length) {
        return ~sum(data, offset, length) & 0xffff;
    }

    /**
     * Updates, in place, the TCP/UDP/ICMP checksum of the L4 header at {@code l4} after one 16-bit
     * field it covers changed from {@code oldField} to {@code newField} and, for TCP and UDP, the
     * IPv4 address in the pseudo-header changed from {@code oldAddress} to {@code newAddress}
     * (ICMP has no pseudo-header). A UDP checksum of 0 (none), a checksum the bytes do not reach
     * (a short quote) and other protocols are left alone.
     */
    public static void adjustTransport(byte[] b, int l4, int protocol, IPv4Address oldAddress,
                                       IPv4Address newAddress, int oldField, int newField) {
        int at = protocol == 6 ? l4 + 16 : protocol == 17 ? l4 + 6 : protocol == 1 ? l4 + 2 : -1;
        if (at < 0 || b.length < at + 2 || (protocol == 17 && read16(b, at) == 0)) {
            return;
        }
        int c = read16(b, at);
        if (protocol != 1) {
            c = adjust(c, oldAddress.getInt() >>> 16, newAddress.getInt() >>> 16);
            c = adjust(c, oldAddress.getInt() & 0xffff, newAddress.getInt() & 0xffff);
        }
        write16(b, at, adjust(c, oldField, newField));
    }

    /** RFC 1624 eqn. 3: the new checksum after one covered 16-bit word changed from {@code old} to {@code now}. */
    public static int adjust(int checksum, int old, int now) {
        long sum = (~checksum & 0xffff) + (~old & 0xffff) + (now & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    public static int read16(byte[] data, int offset) {
        return ((data[offset] & 0xff) << 8) | (data[offset + 1] & 0xff);
    }

    public static void write16(byte[] data, int offset, int value) {
        data[offset] = (byte) (value >> 8);
        data[offset + 1] = (byte) value;
    }

    private static int fold(long sum) {
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) sum;
    }
}
