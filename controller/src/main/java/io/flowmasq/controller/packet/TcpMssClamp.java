package io.flowmasq.controller.packet;

import static io.flowmasq.controller.packet.Checksums.read16;
import static io.flowmasq.controller.packet.Checksums.write16;

import java.util.Arrays;

/**
 * MSS clamping of a TCP SYN in an Ethernet/IPv4 frame: an MSS option above the clamp is lowered to
 * it (never raised), and the TCP checksum is adjusted for the changed words (RFC 1624). The IP
 * header does not change. The options are walked with every length checked; a list that does not
 * parse leaves the frame alone, so a packet this class does not understand passes as it came. The
 * input array is never written: a clamped frame is a copy.
 */
public final class TcpMssClamp {
    private static final int EOL = 0;
    private static final int NOP = 1;
    private static final int MSS = 2;
    private static final int MSS_LENGTH = 4;
    private static final int SYN = 0x02;
    private static final int TCP_HEADER = 20;
    private static final int MAX_OPTIONS = (60 - TCP_HEADER) / MSS_LENGTH;

    public enum Outcome {
        /** The frame is a copy with every MSS option above the clamp lowered to it. */
        CLAMPED,
        /** Nothing to do: not a whole unfragmented TCP SYN, no MSS option, or the MSS is not above the clamp. */
        UNCHANGED,
        /** A SYN whose data offset or option list does not parse; left as it was. */
        MALFORMED
    }

    /** What was done, and the frame to send on (the input itself unless clamped). */
    public record Result(Outcome outcome, byte[] frame) {
    }

    private TcpMssClamp() {
    }

    public static Result clamp(byte[] frame, int mss) {
        if (mss < 1 || mss > 0xffff) {
            throw new IllegalArgumentException("mss " + mss);
        }
        int ip = PacketParser.ETH_HEADER;
        if (frame.length < ip + 20 || read16(frame, 12) != PacketParser.ETHERTYPE_IPV4 || (frame[ip] & 0xf0) != 0x40
                || (frame[ip + 9] & 0xff) != 6 || (read16(frame, ip + 6) & 0x3fff) != 0) {
            return new Result(Outcome.UNCHANGED, frame);
        }
        int l4 = ip + (frame[ip] & 0x0f) * 4;
        int end = ip + read16(frame, ip + 2);
        // The checksum covers the whole segment: only a frame holding all of it can be rewritten.
        if (l4 < ip + 20 || end > frame.length || l4 + 14 > end || (frame[l4 + 13] & SYN) == 0) {
            return new Result(Outcome.UNCHANGED, frame);
        }
        int optionsEnd = l4 + ((frame[l4 + 12] >> 4) & 0x0f) * 4;
        if (optionsEnd < l4 + TCP_HEADER || optionsEnd > end) {
            return new Result(Outcome.MALFORMED, frame);
        }
        int[] found = new int[MAX_OPTIONS];
        int count = 0;
        int i = l4 + TCP_HEADER;
        while (i < optionsEnd) {
            int kind = frame[i] & 0xff;
            if (kind == EOL) {
                break;
            }
            if (kind == NOP) {
                i++;
                continue;
            }
            int length = i + 1 < optionsEnd ? frame[i + 1] & 0xff : 0;
            if (length < 2 || i + length > optionsEnd || (kind == MSS && length != MSS_LENGTH)) {
                return new Result(Outcome.MALFORMED, frame);
            }
            if (kind == MSS && read16(frame, i + 2) > mss) {
                found[count++] = i + 2; // at most 10 options of 4 bytes fit in 40 bytes
            }
            i += length;
        }
        if (count == 0) {
            return new Result(Outcome.UNCHANGED, frame);
        }
        byte[] out = Arrays.copyOf(frame, frame.length);
        int checksum = read16(frame, l4 + 16);
        for (int k = 0; k < count; k++) {
            int at = found[k];
            write16(out, at, mss);
            // After an odd number of NOPs the value straddles two of the checksum's 16-bit words.
            for (int word = at - ((at - l4) & 1); word < at + 2; word += 2) {
                checksum = Checksums.adjust(checksum, read16(frame, word), read16(out, word));
            }
        }
        write16(out, l4 + 16, checksum);
        return new Result(Outcome.CLAMPED, out);
    }
}
