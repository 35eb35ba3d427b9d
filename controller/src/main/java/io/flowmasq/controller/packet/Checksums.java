package io.flowmasq.controller.packet;

/**
 * Internet checksums (RFC 1071) over byte ranges, and the incremental update of RFC 1624 for a
 * checksum whose covered data changed by one 16-bit word.
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

    /** The TCP/UDP checksum of a segment at {@code l4Offset}, with the IPv4 pseudo-header. */
    public static int transportChecksum(byte[] data, int ipOffset, int l4Offset, int l4Length, int protocol) {
        long sum = sum(data, ipOffset + 12, 8); // source and destination addresses
        sum += protocol + l4Length;
        sum += sum(data, l4Offset, l4Length);
        int c = ~fold(sum) & 0xffff;
        return protocol == 17 && c == 0 ? 0xffff : c;
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
