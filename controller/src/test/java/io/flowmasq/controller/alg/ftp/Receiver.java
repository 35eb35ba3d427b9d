package io.flowmasq.controller.alg.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A TCP receiver's reassembly, for checking what the ALG sends: bytes are placed by sequence number
 * (the receiver's numbering, i.e. after {@link SeqAdjust#adjustSeq}); a byte that arrives twice must
 * be the same both times, and data must never land before the stream's start.
 */
final class Receiver {
    private final long start;
    private byte[] buf = new byte[256];
    private int have;
    private final TreeMap<Integer, byte[]> pending = new TreeMap<>();

    Receiver(long firstSeq) {
        this.start = Seq32.norm(firstSeq);
    }

    void accept(long seq, byte[] data) {
        int off = Seq32.diff(seq, start);
        assertTrue(off >= 0 || data.length == 0, "data before the stream start: offset " + off);
        if (off > have) {
            byte[] before = pending.put(off, data.clone());
            if (before != null) {
                int n = Math.min(before.length, data.length);
                assertEquals(text(Arrays.copyOf(before, n)), text(Arrays.copyOf(data, n)), "pending at " + off);
            }
            return;
        }
        place(off, data);
        for (Map.Entry<Integer, byte[]> e = pending.firstEntry(); e != null && e.getKey() <= have;
                e = pending.firstEntry()) {
            pending.remove(e.getKey());
            place(e.getKey(), e.getValue());
        }
    }

    private void place(int off, byte[] data) {
        for (int i = 0; i < data.length; i++) {
            int pos = off + i;
            if (pos < have) {
                if (buf[pos] != data[i]) {
                    throw new AssertionError("byte " + pos + " was '" + (char) buf[pos] + "', now '" + (char) data[i]
                            + "'; stream so far: " + text(Arrays.copyOf(buf, have)) + " | segment at " + off + ": "
                            + text(data));
                }
            } else {
                if (pos >= buf.length) {
                    buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + 1));
                }
                buf[pos] = data[i];
                have++;
            }
        }
    }

    /** Bytes received in order so far. */
    int length() {
        return have;
    }

    /** The acknowledgement number this receiver sends. */
    long ack() {
        return Seq32.add(start, have);
    }

    String text() {
        return text(Arrays.copyOf(buf, have));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
