package io.flowmasq.controller.alg.ftp;

import static io.flowmasq.controller.alg.ftp.Seq32.add;
import static io.flowmasq.controller.alg.ftp.Seq32.after;
import static io.flowmasq.controller.alg.ftp.Seq32.before;
import static io.flowmasq.controller.alg.ftp.Seq32.diff;
import static io.flowmasq.controller.alg.ftp.Seq32.norm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Line reassembly for one direction of an FTP control connection, by TCP sequence number.
 *
 * <p>Lines end at LF (a CR before it belongs to the line end): in FTP a CRLF ends the command, and
 * servers such as vsftpd split on LF. A line is a <em>candidate</em> when it starts at a line start
 * and begins with one of the given prefixes (ASCII case-insensitive), e.g. {@code "PORT "},
 * {@code "EPRT "} for commands, {@code "227 "}, {@code "229 "} for replies. Only candidates can be
 * rewritten, so only they are ever held. Whether a position is a line start is known exactly
 * because the stream is followed in order from its first byte (or, with {@code atLineStart} false,
 * from the first LF).
 *
 * <p><b>Hold and merge ({@link Mode#HOLD}).</b> The engine forwards every control segment itself,
 * after rewriting, so a command split across segments must be put together before it is sent on:
 * <ul>
 *   <li>When an in-order segment ends in an incomplete line that is a candidate or a prefix of one
 *       ({@code "PO"}, {@code "PORT 10,0"}, {@code "22"}), those tail bytes are held back: the
 *       segment is forwarded trimmed to its complete lines, or not at all when nothing is
 *       complete. Lines that cannot become candidates are never held.</li>
 *   <li>The next in-sequence segment is merged behind the held bytes and the result is forwarded
 *       as one segment starting at the held bytes' sequence number ({@link Chunked#dataSeq()}).
 *       A segment that overlaps the held bytes and goes beyond them merges the same way (TCP
 *       retransmits the same bytes at the same sequence numbers).</li>
 *   <li>A segment entirely within the held bytes (a retransmission of them) is absorbed.</li>
 *   <li>A segment that starts beyond what was seen (a gap: reordering, or a segment lost before the
 *       switch) is not processed; the engine drops it and TCP retransmits it once the gap is filled.
 *       This keeps line boundaries exact: a command at the start of an unseen segment is never
 *       missed, and no text is taken for a line start that is not one.</li>
 *   <li>Held bytes are released unchanged when nothing completes them before the deadline
 *       ({@code now + holdMillis}, reset whenever new bytes join them; {@link #releaseIfDue(long)}),
 *       so a sender waiting for an acknowledgement (Nagle) stalls for at most the hold time. The rest
 *       of that line is then passed through unparsed. A FIN flushes the held bytes (no hold
 *       after FIN).</li>
 *   <li>Bound: a line is at most {@link #MAX_LINE} bytes including its line end. A candidate that
 *       grows past that is not held further: it is passed through untouched and counted as
 *       overlong, as is a complete candidate line longer than that (so that the outcome does not
 *       depend on how the line was segmented).</li>
 * </ul>
 *
 * <p><b>Shadow ({@link Mode#SHADOW}).</b> For a direction that is only read (learning the PASV/EPSV
 * reply to an inside client): nothing is held or dropped; the incomplete candidate tail is copied
 * and completed by the next in-order segment; after a gap the buffer resynchronises at the next LF.
 *
 * <p>Bytes before what was already forwarded ({@link Chunked#oldBytes()}) are not reprocessed:
 * retransmissions are the caller's business (see {@link FtpControlRewriter}). Not thread-safe; one
 * instance per direction, used under the engine's lock. No clock: time comes in as {@code now}
 * (any monotonic unit, the same as {@code holdMillis}).
 */
public final class FtpLineBuffer {
    /** The longest line, line end included, that is parsed or held. */
    public static final int MAX_LINE = 1024;
    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final byte[] NONE = new byte[0];

    public enum Mode {
        /** Incomplete candidate lines are held back until completed or due. */
        HOLD,
        /** Incomplete candidate lines are copied; everything is forwarded at once. */
        SHADOW
    }

    public enum Kind {
        /** No payload (and nothing held to flush). */
        EMPTY,
        /** New bytes were processed: see {@link Chunked#lines()}, {@link Chunked#forwardLength()}. */
        FRESH,
        /** Every byte was seen before; {@link Chunked#oldBytes()} of them lie before the held bytes. */
        OLD,
        /** Every byte lies within the held bytes: a retransmission of them, absorbed. */
        ABSORBED,
        /** The segment starts beyond the bytes seen so far (HOLD mode only): not processed. */
        OUT_OF_ORDER
    }

    /**
     * A complete line in {@link Chunked#data()}: {@code length} includes the line end,
     * {@code contentLength} excludes it (LF or CRLF). {@code candidate}: starts at a line start with
     * a candidate prefix and is not overlong. Only lines beginning at a line start are listed.
     */
    public record Line(int offset, int length, int contentLength, boolean candidate, boolean overlong) {
    }

    /**
     * What a segment amounted to.
     *
     * @param kind          see {@link Kind}
     * @param seq           the segment's sequence number
     * @param oldBytes      leading payload bytes that were already forwarded before (HOLD) or seen
     *                      (SHADOW); the caller replays them
     * @param dataSeq       sequence number of {@code data[0]}: the held bytes' start when bytes were
     *                      held, else the first new byte (HOLD); the shadow copy's start (SHADOW)
     * @param data          held (or shadow) bytes followed by the segment's new bytes
     * @param newFrom       where the segment's new bytes start in {@code data}
     * @param lines         the complete lines in {@code data}, in order
     * @param forwardLength HOLD: {@code data[0..forwardLength)} is to be sent now, the rest is held;
     *                      SHADOW: {@code data.length}
     * @param heldLength    bytes held (HOLD) or shadowed (SHADOW) after this segment
     * @param overlong      candidate lines found too long in this segment
     */
    public record Chunked(Kind kind, long seq, int oldBytes, long dataSeq, byte[] data, int newFrom,
                          List<Line> lines, int forwardLength, int heldLength, int overlong) {
    }

    /** Held bytes released unchanged: send {@code payload} at {@code seq} (original numbering). */
    public record HeldSegment(long seq, byte[] payload) {
    }

    private final Mode mode;
    private final byte[][] prefixes;
    private final long holdMillis;
    private final int maxLine;
    /** HOLD: end of the bytes forwarded (the held bytes start here). SHADOW: end of the bytes seen. */
    private long forwarded;
    /** HOLD: the held bytes, at [forwarded, forwarded + n). SHADOW: copy of [forwarded - n, forwarded). */
    private byte[] tail = NONE;
    /** Whether the pending position (the tail's start, or {@code forwarded} without a tail) starts a line. */
    private boolean atLineStart;
    private long deadline;

    /**
     * @param firstSeq    sequence number of the direction's first data byte (the SYN's seq + 1)
     * @param atLineStart true when {@code firstSeq} is the start of the stream; false to start
     *                    following in the middle of a stream (nothing is parsed before the first LF)
     */
    public FtpLineBuffer(Mode mode, List<String> candidatePrefixes, long firstSeq, boolean atLineStart,
                         long holdMillis, int maxLine) {
        if (holdMillis < 0 || maxLine < 8) {
            throw new IllegalArgumentException("holdMillis " + holdMillis + ", maxLine " + maxLine);
        }
        this.mode = mode;
        this.prefixes = candidatePrefixes.stream().map(p -> p.getBytes(StandardCharsets.ISO_8859_1))
                .toArray(byte[][]::new);
        this.forwarded = norm(firstSeq);
        this.atLineStart = atLineStart;
        this.holdMillis = holdMillis;
        this.maxLine = maxLine;
    }

    public FtpLineBuffer(Mode mode, List<String> candidatePrefixes, long firstSeq, long holdMillis) {
        this(mode, candidatePrefixes, firstSeq, true, holdMillis, MAX_LINE);
    }

    public Chunked feed(long seq, byte[] payload, long now) {
        return feed(seq, payload, false, now);
    }

    /**
     * Takes one segment of this direction ({@code fin}: it carries FIN, so nothing more can complete
     * a line: held bytes are flushed and nothing new is held).
     */
    public Chunked feed(long seq, byte[] payload, boolean fin, long now) {
        long s = norm(seq);
        int n = payload.length;
        long frontier = frontier();
        if (n == 0) {
            if (fin && mode == Mode.HOLD && tail.length > 0 && s == frontier) {
                return process(s, 0, NONE, true, now);
            }
            return new Chunked(Kind.EMPTY, s, 0, s, NONE, 0, List.of(), 0, tail.length, 0);
        }
        long end = add(s, n);
        if (after(s, frontier)) {
            if (mode == Mode.HOLD) {
                return new Chunked(Kind.OUT_OF_ORDER, s, 0, s, NONE, 0, List.of(), 0, tail.length, 0);
            }
            tail = NONE; // SHADOW: resynchronise at the next LF
            forwarded = s;
            atLineStart = false;
            return process(s, 0, payload, fin, now);
        }
        int old = mode == Mode.HOLD ? (before(s, forwarded) ? Math.min(n, diff(forwarded, s)) : 0) : Math.min(n,
                diff(frontier, s));
        if (!after(end, frontier)) {
            if (fin && end == frontier && mode == Mode.HOLD && tail.length > 0) {
                return process(s, old, NONE, true, now); // FIN right after the held bytes: flush them
            }
            Kind kind = old > 0 ? Kind.OLD : Kind.ABSORBED;
            return new Chunked(kind, s, old, s, NONE, 0, List.of(), 0, tail.length, 0);
        }
        int skip = diff(frontier, s);
        return process(s, old, Arrays.copyOfRange(payload, skip, n), fin, now);
    }

    private Chunked process(long seq, int old, byte[] fresh, boolean fin, long now) {
        byte[] data = concat(tail, fresh);
        int newFrom = tail.length;
        long dataSeq = mode == Mode.HOLD ? forwarded : add(forwarded, -tail.length);
        boolean lineStart = atLineStart;
        List<Line> lines = new ArrayList<>();
        int overlong = 0;
        int pos = 0;
        for (int lf = indexOf(data, LF, pos); lf >= 0; lf = indexOf(data, LF, pos)) {
            if (lineStart) {
                int length = lf + 1 - pos;
                int content = length - 1 - (lf > pos && data[lf - 1] == CR ? 1 : 0);
                boolean tooLong = length > maxLine;
                boolean prefixed = startsWithCandidate(data, pos, content, false);
                if (tooLong && prefixed) {
                    overlong++;
                }
                lines.add(new Line(pos, length, content, prefixed && !tooLong, tooLong));
            }
            pos = lf + 1;
            lineStart = true;
        }
        int rest = data.length - pos;
        boolean keep = false;
        if (rest > 0 && lineStart && !fin && startsWithCandidate(data, pos, rest, true)) {
            if (rest < maxLine) {
                keep = true;
            } else {
                overlong++; // once: the rest of this line is not at a line start
            }
        }
        byte[] newTail = keep ? Arrays.copyOfRange(data, pos, data.length) : NONE;
        boolean nextAtLineStart = keep || (rest == 0 && lineStart);
        int forwardLength;
        if (mode == Mode.HOLD) {
            forwardLength = data.length - newTail.length;
            forwarded = add(forwarded, forwardLength);
            if (keep) {
                deadline = now + holdMillis;
            }
        } else {
            forwardLength = data.length;
            forwarded = add(dataSeq, data.length);
        }
        tail = newTail;
        atLineStart = nextAtLineStart;
        return new Chunked(Kind.FRESH, seq, old, dataSeq, data, newFrom, List.copyOf(lines), forwardLength,
                newTail.length, overlong);
    }

    /**
     * Held bytes whose deadline has passed, released unchanged (HOLD mode): the caller sends them at
     * {@link HeldSegment#seq()}. The rest of that line will pass unparsed.
     */
    public Optional<HeldSegment> releaseIfDue(long now) {
        if (mode != Mode.HOLD || tail.length == 0 || now - deadline < 0) {
            return Optional.empty();
        }
        return release();
    }

    /** Releases held bytes now, whatever the deadline (e.g. the connection is closing). */
    public Optional<HeldSegment> release() {
        if (mode != Mode.HOLD || tail.length == 0) {
            return Optional.empty();
        }
        HeldSegment held = new HeldSegment(forwarded, tail);
        forwarded = add(forwarded, tail.length);
        tail = NONE;
        atLineStart = false;
        return Optional.of(held);
    }

    /** When the held bytes are due, if any are held. */
    public OptionalLong deadline() {
        return mode == Mode.HOLD && tail.length > 0 ? OptionalLong.of(deadline) : OptionalLong.empty();
    }

    /** HOLD: end of the bytes forwarded so far (the held bytes start here). SHADOW: end of bytes seen. */
    public long forwardedEnd() {
        return forwarded;
    }

    /** The sequence number after the last byte seen in order (held bytes included). */
    public long frontier() {
        return mode == Mode.HOLD ? add(forwarded, tail.length) : forwarded;
    }

    public int heldBytes() {
        return mode == Mode.HOLD ? tail.length : 0;
    }

    public Mode mode() {
        return mode;
    }

    /**
     * Whether {@code data[off..off+len)} begins with a candidate prefix ({@code partial}: or is a
     * shorter beginning of one, for an incomplete line).
     */
    private boolean startsWithCandidate(byte[] data, int off, int len, boolean partial) {
        for (byte[] p : prefixes) {
            int k = Math.min(len, p.length);
            if (!partial && len < p.length) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < k && match; i++) {
                match = FtpCommands.upper(data[off + i] & 0xff) == FtpCommands.upper(p[i] & 0xff);
            }
            if (match) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] b, byte v, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
