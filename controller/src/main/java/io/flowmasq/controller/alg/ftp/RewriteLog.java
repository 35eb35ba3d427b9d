package io.flowmasq.controller.alg.ftp;

import static io.flowmasq.controller.alg.ftp.Seq32.add;
import static io.flowmasq.controller.alg.ftp.Seq32.after;
import static io.flowmasq.controller.alg.ftp.Seq32.before;
import static io.flowmasq.controller.alg.ftp.Seq32.diff;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last few forwarded segments whose bytes the ALG changed: original range and bytes sent. A
 * retransmission of already-forwarded data is answered from here, byte for byte what went out the
 * first time (the engine is not asked again, and the answer cannot differ). Entries are disjoint
 * and ascending; each starts at the sequence number that was given to {@link SeqAdjust#recordChange}.
 */
final class RewriteLog {
    /** Entries further back than this (about 1 GiB) are dropped before the sequence space wraps. */
    private static final int HORIZON = 1 << 30;

    record Entry(long seq, int origLength, byte[] out) {
        long end() {
            return add(seq, origLength);
        }

        int diff() {
            return out.length - origLength;
        }
    }

    /** The bytes to send for a replayed range, starting at {@code seq} (original numbering). */
    record Replay(long seq, byte[] bytes, int lengthDiff) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final int capacity;

    RewriteLog(int capacity) {
        this.capacity = capacity;
    }

    void record(long seq, int origLength, byte[] out) {
        entries.addLast(new Entry(seq, origLength, out.clone()));
        if (entries.size() > capacity) {
            entries.removeFirst();
        }
    }

    /** Drops entries that end more than {@link #HORIZON} before {@code frontier}. */
    void prune(long frontier) {
        while (!entries.isEmpty() && diff(frontier, entries.peekFirst().end()) > HORIZON) {
            entries.removeFirst();
        }
    }

    int size() {
        return entries.size();
    }

    boolean overlaps(long seq, int length) {
        return !hits(seq, add(seq, length)).isEmpty();
    }

    private List<Entry> hits(long from, long to) {
        List<Entry> r = new ArrayList<>();
        for (Entry e : entries) {
            if (after(e.end(), from) && before(e.seq(), to)) {
                r.add(e);
            }
        }
        return r;
    }

    /**
     * The bytes of the rewritten stream for the original range {@code [seq, seq + length)} whose
     * original bytes are {@code orig[0..length)}. Where the range cuts into a changed segment the
     * cut is placed as {@link SeqAdjust} maps a segment starting there (after the segment's start:
     * {@code offsetAfter}); when a shortened segment leaves nothing to send from there, the start
     * moves to where its bytes begin.
     */
    Replay replay(long seq, byte[] orig, int length) {
        long end = add(seq, length);
        List<Entry> hits = hits(seq, end);
        if (hits.isEmpty()) {
            return new Replay(seq, Arrays.copyOf(orig, length), 0);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 16);
        long seqOut = seq;
        long pos = seq;
        for (Entry e : hits) {
            long ls = e.seq();
            long le = e.end();
            int d = e.diff();
            if (before(pos, ls)) {
                out.write(orig, diff(pos, seq), diff(ls, pos));
                pos = ls;
            }
            int from = 0;
            if (after(pos, ls)) { // the range starts inside this entry (nothing written yet)
                from = diff(pos, ls) + d;
                if (from < 0) {
                    from = 0;
                    seqOut = add(ls, -d);
                }
            }
            long stop = before(end, le) ? end : le;
            int to = stop == le ? e.out().length : Math.max(from, Math.min(e.out().length, diff(stop, ls) + d));
            out.write(e.out(), from, to - from);
            pos = stop;
        }
        if (before(pos, end)) {
            out.write(orig, diff(pos, seq), diff(end, pos));
        }
        byte[] bytes = out.toByteArray();
        int diff = bytes.length == 0 ? 0 : bytes.length - diff(end, seqOut);
        return new Replay(seqOut, bytes, diff);
    }
}
