package io.flowmasq.controller.alg.ftp;

import io.flowmasq.controller.alg.ftp.FtpLineBuffer.Chunked;
import io.flowmasq.controller.alg.ftp.FtpLineBuffer.HeldSegment;
import io.flowmasq.controller.alg.ftp.FtpLineBuffer.Line;
import io.flowmasq.controller.alg.ftp.FtpLineBuffer.Mode;
import io.flowmasq.flowcompiler.Endpoint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The FTP ALG for one direction of one control connection: finds the PORT/EPRT commands or the
 * 227/229 replies in the TCP stream, asks the engine ({@link FtpEvents}) what to announce instead,
 * and says what payload to send for each segment. Pure: no I/O, no clock, no OpenFlow; not
 * thread-safe (one instance per direction, used under the switch's lock).
 *
 * <p>Reassembly is {@link FtpLineBuffer}'s (hold and merge: see there). On top of it:
 * <ul>
 *   <li><b>Retransmissions.</b> Data already forwarded is sent again exactly as it went out the
 *       first time, from a small log of the segments whose bytes were changed ({@code RewriteLog},
 *       the last {@value #LOG_ENTRIES}); the engine is not asked again. A retransmission that the
 *       sender cut differently, or that straddles a rewritten segment, gets the bytes of the
 *       rewritten stream that {@link SeqAdjust} maps it to, so the receiver never sees two versions
 *       of a byte. A retransmission that also carries new data is combined with it when it covers
 *       no rewritten segment; otherwise only the old part is sent and TCP sends the new part again
 *       (one round trip, in a rare case) so that each sent segment has a single sequence offset.</li>
 *   <li><b>Roles.</b> {@link Role#CLIENT_TO_SERVER}: commands, PORT/EPRT rewritten (inside client).
 *       {@link Role#SERVER_TO_CLIENT_REWRITE}: replies, 227/229 rewritten (inside server).
 *       {@link Role#SERVER_TO_CLIENT_LEARN}: replies to an inside client, 227/229 reported, never
 *       changed, never held, never dropped.</li>
 * </ul>
 *
 * <p><b>Limits.</b> Only the last length change is tracked exactly by {@link SeqAdjust} (as in
 * Linux). A command split across segments whose sender waits for an acknowledgement before sending
 * the rest (Nagle) is released unchanged after the hold time and not rewritten. Telnet IAC
 * sequences in front of a command make it no command. TCP Fast Open data on the SYN is not seen.
 */
public final class FtpControlRewriter {
    public static final long DEFAULT_HOLD_MILLIS = 500;
    static final int LOG_ENTRIES = 8;

    public enum Role {
        /** Commands from an inside client: PORT and EPRT rewritten. */
        CLIENT_TO_SERVER(Mode.HOLD, List.of("PORT ", "EPRT ")),
        /** Replies to an inside client: 227 and 229 reported to {@link FtpEvents#onPassiveReply}. */
        SERVER_TO_CLIENT_LEARN(Mode.SHADOW, List.of("227 ", "229 ")),
        /** Replies from an inside server: 227 and 229 rewritten. */
        SERVER_TO_CLIENT_REWRITE(Mode.HOLD, List.of("227 ", "229 "));

        private final Mode mode;
        private final List<String> prefixes;

        Role(Mode mode, List<String> prefixes) {
            this.mode = mode;
            this.prefixes = prefixes;
        }

        public List<String> prefixes() {
            return prefixes;
        }
    }

    private final Role role;
    private final FtpLineBuffer buffer;
    private final RewriteLog log = new RewriteLog(LOG_ENTRIES);

    /**
     * @param firstSeq   sequence number of this direction's first data byte (its SYN's seq + 1)
     * @param holdMillis how long incomplete candidate lines may be held, in the unit of {@code now}
     */
    public FtpControlRewriter(Role role, long firstSeq, long holdMillis) {
        this.role = role;
        this.buffer = new FtpLineBuffer(role.mode, role.prefixes, firstSeq, holdMillis);
    }

    public FtpControlRewriter(Role role, long firstSeq) {
        this(role, firstSeq, DEFAULT_HOLD_MILLIS);
    }

    public Role role() {
        return role;
    }

    public SegmentOutcome onSegment(long seq, byte[] payload, long now, FtpEvents events) {
        return onSegment(seq, payload, false, now, events);
    }

    /** As {@link #onSegment(long, byte[], long, FtpEvents)} for a segment that may carry FIN. */
    public SegmentOutcome onSegment(long seq, byte[] payload, boolean fin, long now, FtpEvents events) {
        long s = Seq32.norm(seq);
        return role.mode == Mode.SHADOW ? learn(s, payload, fin, now, events) : rewrite(s, payload, fin, now, events);
    }

    /** Held bytes past their deadline, to be sent unchanged (their seq is in original numbering). */
    public Optional<HeldSegment> releaseIfDue(long now) {
        return buffer.releaseIfDue(now);
    }

    /** Held bytes, released now whatever the deadline. */
    public Optional<HeldSegment> release() {
        return buffer.release();
    }

    /** When the held bytes fall due, if any are held: the engine's next timer for this connection. */
    public OptionalLong holdDeadline() {
        return buffer.deadline();
    }

    public int heldBytes() {
        return buffer.heldBytes();
    }

    private SegmentOutcome rewrite(long s, byte[] payload, boolean fin, long now, FtpEvents events) {
        int n = payload.length;
        long forwarded = buffer.forwardedEnd();
        log.prune(forwarded);
        if (n > 0 && Seq32.before(s, forwarded)) {
            int oldLength = Math.min(n, Seq32.diff(forwarded, s));
            long end = Seq32.add(s, n);
            long frontier = buffer.frontier();
            boolean fresh = Seq32.after(end, frontier) || (fin && end == frontier && buffer.heldBytes() > 0);
            if (!fresh || log.overlaps(s, oldLength)) {
                // Old bytes only (a FIN goes along only when nothing after them is left out).
                RewriteLog.Replay r = log.replay(s, payload, oldLength);
                boolean finToo = fin && oldLength == n;
                return new SegmentOutcome(SegmentOutcome.Kind.RETRANSMISSION, r.bytes().length > 0 || finToo, r.seq(),
                        r.bytes(), finToo, r.lengthDiff(), 0, 0, 0, 0, 0, buffer.heldBytes());
            }
        }
        Chunked c = buffer.feed(s, payload, fin, now);
        switch (c.kind()) {
            case EMPTY:
                return new SegmentOutcome(SegmentOutcome.Kind.NO_DATA, true, s, payload, fin, 0, 0, 0, 0, 0, 0,
                        buffer.heldBytes());
            case ABSORBED:
            case OLD: // OLD is not reached: bytes before the held ones were replayed above
                return drop(SegmentOutcome.Kind.ABSORBED, s);
            case OUT_OF_ORDER:
                return drop(SegmentOutcome.Kind.OUT_OF_ORDER, s);
            default:
                break;
        }
        Counts counts = new Counts();
        byte[] body = rewriteLines(c, events, counts);
        byte[] out = body;
        int old = c.oldBytes();
        if (old > 0) {
            out = Arrays.copyOf(payload, old + body.length);
            System.arraycopy(body, 0, out, old, body.length);
        }
        long outSeq = old > 0 ? s : c.dataSeq();
        int origLength = old + c.forwardLength();
        if (counts.changed) {
            log.record(outSeq, origLength, out);
        }
        boolean send = out.length > 0 || fin;
        return new SegmentOutcome(SegmentOutcome.Kind.DATA, send, outSeq, out, fin, out.length - origLength,
                counts.rewritten, counts.refused, counts.malformed, c.overlong(), 0, c.heldLength());
    }

    private SegmentOutcome learn(long s, byte[] payload, boolean fin, long now, FtpEvents events) {
        Chunked c = buffer.feed(s, payload, fin, now);
        int learned = 0;
        int malformed = 0;
        for (Line line : c.lines()) {
            if (!line.candidate()) {
                continue;
            }
            String text = new String(c.data(), line.offset(), line.contentLength(), StandardCharsets.ISO_8859_1);
            if (text.startsWith("227 ")) {
                Optional<Endpoint> e = FtpCommands.parse227(text);
                e.ifPresent(ep -> events.onPassiveReply(ep.address(), ep.port()));
                learned += e.isPresent() ? 1 : 0;
                malformed += e.isPresent() ? 0 : 1;
            } else {
                OptionalInt p = FtpCommands.parse229(text);
                p.ifPresent(port -> events.onPassiveReply(null, port));
                learned += p.isPresent() ? 1 : 0;
                malformed += p.isPresent() ? 0 : 1;
            }
        }
        SegmentOutcome.Kind kind = switch (c.kind()) {
            case EMPTY -> SegmentOutcome.Kind.NO_DATA;
            case OLD, ABSORBED -> SegmentOutcome.Kind.RETRANSMISSION;
            default -> SegmentOutcome.Kind.DATA;
        };
        return new SegmentOutcome(kind, true, s, payload, fin, 0, 0, 0, malformed, c.overlong(), learned, 0);
    }

    private SegmentOutcome drop(SegmentOutcome.Kind kind, long s) {
        return new SegmentOutcome(kind, false, s, new byte[0], false, 0, 0, 0, 0, 0, 0, buffer.heldBytes());
    }

    private static final class Counts {
        int rewritten;
        int refused;
        int malformed;
        boolean changed;
    }

    /** {@code c.data()[0..forwardLength)} with every candidate line handled. */
    private byte[] rewriteLines(Chunked c, FtpEvents events, Counts counts) {
        byte[] data = c.data();
        ByteArrayOutputStream out = new ByteArrayOutputStream(c.forwardLength() + 16);
        int at = 0;
        for (Line line : c.lines()) {
            if (!line.candidate()) {
                continue;
            }
            String text = new String(data, line.offset(), line.contentLength(), StandardCharsets.ISO_8859_1);
            Optional<String> replaced = rewriteLine(text, events, counts);
            if (replaced.isPresent()) {
                out.write(data, at, line.offset() - at);
                byte[] bytes = replaced.get().getBytes(StandardCharsets.ISO_8859_1);
                out.write(bytes, 0, bytes.length);
                at = line.offset() + line.contentLength();
                counts.changed |= !replaced.get().equals(text);
            }
        }
        out.write(data, at, c.forwardLength() - at);
        return out.toByteArray();
    }

    private Optional<String> rewriteLine(String text, FtpEvents events, Counts counts) {
        if (role == Role.CLIENT_TO_SERVER) {
            boolean port = FtpCommands.startsWithIgnoreCase(text, "PORT ");
            Optional<Endpoint> announced = port ? FtpCommands.parsePort(text) : FtpCommands.parseEprt(text);
            if (announced.isEmpty()) {
                counts.malformed++;
                return Optional.empty();
            }
            Optional<Endpoint> to = port ? events.onPort(announced.get()) : events.onEprt(announced.get());
            return count(counts, to.map(e -> port ? FtpCommands.rewritePort(text, e) : FtpCommands.rewriteEprt(text, e)));
        }
        if (text.startsWith("227 ")) {
            Optional<Endpoint> announced = FtpCommands.parse227(text);
            if (announced.isEmpty()) {
                counts.malformed++;
                return Optional.empty();
            }
            return count(counts, events.on227(announced.get()).map(e -> FtpCommands.rewrite227(text, e)));
        }
        OptionalInt announced = FtpCommands.parse229(text);
        if (announced.isEmpty()) {
            counts.malformed++;
            return Optional.empty();
        }
        OptionalInt to = events.on229(announced.getAsInt());
        return count(counts, to.isPresent() ? Optional.of(FtpCommands.rewrite229(text, to.getAsInt())) : Optional.empty());
    }

    private static Optional<String> count(Counts counts, Optional<String> replaced) {
        if (replaced.isPresent()) {
            counts.rewritten++;
        } else {
            counts.refused++;
        }
        return replaced;
    }
}
