package io.flowmasq.controller.fuzz;

import java.util.Arrays;
import java.util.Random;

/**
 * Breaks a well-formed Ethernet/IPv4 frame the ways hostile or broken senders do: bit flips, random
 * bytes in the headers, truncation at every length class, extension, wrong IPv4 total length, IHL 0..15,
 * wrong version, wrong UDP length and TCP data offset, TCP options of length 0, 1 or overlong, broken
 * headers inside an ICMP error's quote, wrong checksums, wrong fragment fields and protocols, ARP with
 * wrong lengths. One to three mutations per frame; the input is never written.
 */
public final class FrameMutator {
    private static final int IP = 14;

    private FrameMutator() {
    }

    public static byte[] mutate(Random r, byte[] frame) {
        byte[] b = frame.clone();
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
            b = once(r, b);
        }
        return b;
    }

    private static byte[] once(Random r, byte[] b) {
        int l4 = b.length > IP ? IP + (b[IP] & 0x0f) * 4 : IP + 20;
        switch (r.nextInt(17)) {
            case 0: // bit flip anywhere
                if (b.length > 0) {
                    int i = r.nextInt(b.length);
                    b[i] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            case 1: // random byte in the IP and L4 headers
                set(b, IP + r.nextInt(Math.max(1, Math.min(60, b.length - IP))), r.nextInt(256));
                return b;
            case 2: // truncation at every length class
                return Arrays.copyOf(b, truncatedLength(r, b.length, l4));
            case 3: // extension: garbage or zero padding, sometimes to a jumbo size
                return Arrays.copyOf(b, b.length + (r.nextInt(8) == 0 ? r.nextInt(9000) : r.nextInt(64)));
            case 4: // IPv4 total length
                put16(b, IP + 2, pick(r, 0, 1, 19, 20, 27, 28, l4 - IP - 1, b.length - IP - 1, b.length - IP + 1,
                        b.length - IP + r.nextInt(100), 0xffff, r.nextInt(65536)));
                return b;
            case 5: // IHL 0..15
                set(b, IP, (get(b, IP) & 0xf0) | r.nextInt(16));
                return b;
            case 6: // IP version
                set(b, IP, (r.nextInt(16) << 4) | (get(b, IP) & 0x0f));
                return b;
            case 7: // UDP length or ICMP id: the 16-bit word at L4+4
                put16(b, l4 + 4, pick(r, 0, 1, 7, 8, 9, 0xffff, r.nextInt(65536)));
                return b;
            case 8: // TCP data offset 0..15
                set(b, l4 + 12, (r.nextInt(16) << 4) | (get(b, l4 + 12) & 0x0f));
                return b;
            case 9: // a TCP option of length 0, 1 or overlong at the start of the options
                set(b, l4 + 20, pick(r, 2, 3, 4, 8, 30, r.nextInt(256)));
                set(b, l4 + 21, pick(r, 0, 1, 2, 3, 5, 40, 255));
                return b;
            case 10: // the quoted datagram of an ICMP error: IHL, total length, protocol, truncation
                int q = l4 + 8;
                switch (r.nextInt(4)) {
                    case 0 -> set(b, q, (get(b, q) & 0xf0) | r.nextInt(16));
                    case 1 -> put16(b, q + 2, r.nextInt(65536));
                    case 2 -> set(b, q + 9, pick(r, 1, 6, 17, 0, 255));
                    default -> {
                        return Arrays.copyOf(b, Math.min(b.length, q + r.nextInt(30)));
                    }
                }
                return b;
            case 11: // wrong checksums: IP header or L4
                put16(b, r.nextBoolean() ? IP + 10 : l4 + pick(r, 2, 6, 16), r.nextInt(65536));
                return b;
            case 12: // fragment fields
                put16(b, IP + 6, pick(r, 0x2000, 0x2001, 0x0001, 0x1fff, 0x3fff, 0x4000 | r.nextInt(0x2000),
                        r.nextInt(65536)));
                return b;
            case 13: // protocol
                set(b, IP + 9, pick(r, 1, 6, 17, 0, 2, 47, 255));
                return b;
            case 14: // TTL 0 or 1
                set(b, IP + 8, r.nextInt(3));
                return b;
            case 15: // ethertype: ARP body as IPv4 and back, VLAN, unknown
                put16(b, 12, pick(r, 0x0800, 0x0806, 0x8100, 0x86dd, 0));
                return b;
            default: // ARP hardware/protocol lengths and types
                set(b, IP + pick(r, 0, 1, 2, 3, 4, 5), r.nextInt(256));
                return b;
        }
    }

    private static int truncatedLength(Random r, int length, int l4) {
        int cut = switch (r.nextInt(7)) {
            case 0 -> 0;
            case 1 -> r.nextInt(IP);
            case 2 -> IP + r.nextInt(20);
            case 3 -> l4 + r.nextInt(8);
            case 4 -> l4 + 8 + r.nextInt(20);
            case 5 -> length - 1;
            default -> r.nextInt(length + 1);
        };
        return Math.max(0, Math.min(length, cut));
    }

    private static int pick(Random r, int... choices) {
        return choices[r.nextInt(choices.length)];
    }

    private static int get(byte[] b, int i) {
        return i >= 0 && i < b.length ? b[i] & 0xff : 0;
    }

    private static void set(byte[] b, int i, int v) {
        if (i >= 0 && i < b.length) {
            b[i] = (byte) v;
        }
    }

    private static void put16(byte[] b, int i, int v) {
        set(b, i, v >> 8);
        set(b, i + 1, v);
    }
}
