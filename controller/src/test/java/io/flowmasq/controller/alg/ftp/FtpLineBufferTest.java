package io.flowmasq.controller.alg.ftp;

import static io.flowmasq.controller.alg.ftp.TcpFrames.ascii;
import static io.flowmasq.controller.alg.ftp.TcpFrames.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.alg.ftp.FtpLineBuffer.Chunked;
import io.flowmasq.controller.alg.ftp.FtpLineBuffer.HeldSegment;
import io.flowmasq.controller.alg.ftp.FtpLineBuffer.Kind;
import io.flowmasq.controller.alg.ftp.FtpLineBuffer.Line;
import io.flowmasq.controller.alg.ftp.FtpLineBuffer.Mode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Line reassembly by sequence number: hold and merge, absorb, gaps, release, bounds. */
class FtpLineBufferTest {
    private static final List<String> COMMANDS = List.of("PORT ", "EPRT ");
    private static final List<String> REPLIES = List.of("227 ", "229 ");
    private static final long ISN1 = 1001;

    private static FtpLineBuffer hold() {
        return new FtpLineBuffer(Mode.HOLD, COMMANDS, ISN1, 500);
    }

    private static List<String> lines(Chunked c) {
        return c.lines().stream().map(l -> text(c.data()).substring(l.offset(), l.offset() + l.length())).toList();
    }

    private static List<String> candidates(Chunked c) {
        return c.lines().stream().filter(Line::candidate)
                .map(l -> text(c.data()).substring(l.offset(), l.offset() + l.contentLength())).toList();
    }

    private static String forwarded(Chunked c) {
        return text(c.data()).substring(0, c.forwardLength());
    }

    @Test
    void completeLinesPassAtOnce() {
        FtpLineBuffer b = hold();
        Chunked c = b.feed(ISN1, ascii("USER anonymous\r\nPORT 10,0,0,11,195,80\r\nLIST\n"), 0);
        assertEquals(Kind.FRESH, c.kind());
        assertEquals(List.of("USER anonymous\r\n", "PORT 10,0,0,11,195,80\r\n", "LIST\n"), lines(c));
        assertEquals(List.of("PORT 10,0,0,11,195,80"), candidates(c));
        assertEquals(new Line(16, 23, 21, true, false), c.lines().get(1));
        assertEquals(new Line(39, 5, 4, false, false), c.lines().get(2)); // bare LF ends a line too
        assertEquals(44, c.forwardLength());
        assertEquals(0, c.heldLength());
        assertEquals(ISN1, c.dataSeq());
        assertEquals(ISN1 + 44, b.forwardedEnd());
        assertEquals(OptionalLong.empty(), b.deadline());
    }

    @Test
    void holdsAnIncompleteCandidateAndMergesTheNextSegment() {
        FtpLineBuffer b = hold();
        Chunked first = b.feed(ISN1, ascii("USER anonymous\r\nPORT 10,0"), 100);
        assertEquals("USER anonymous\r\n", forwarded(first));
        assertEquals(9, first.heldLength());
        assertEquals(ISN1 + 16, b.forwardedEnd());
        assertEquals(ISN1 + 25, b.frontier());
        assertEquals(OptionalLong.of(600), b.deadline());

        Chunked second = b.feed(ISN1 + 25, ascii(",0,11,195,80\r\nLIST\r\n"), 200);
        assertEquals(Kind.FRESH, second.kind());
        assertEquals(ISN1 + 16, second.dataSeq());
        assertEquals(9, second.newFrom());
        assertEquals("PORT 10,0,0,11,195,80\r\nLIST\r\n", forwarded(second));
        assertEquals(List.of("PORT 10,0,0,11,195,80"), candidates(second));
        assertEquals(0, second.heldLength());
        assertEquals(OptionalLong.empty(), b.deadline());
    }

    @ParameterizedTest
    @ValueSource(strings = {"P", "p", "PO", "POR", "PORT", "PORT ", "port 1", "E", "EPR", "eprt |1|10.0.0.11|5"})
    void holdsEveryBeginningOfACandidate(String tail) {
        FtpLineBuffer b = hold();
        Chunked c = b.feed(ISN1, ascii("NOOP\r\n" + tail), 0);
        assertEquals(tail.length(), c.heldLength());
        assertEquals("NOOP\r\n", forwarded(c));
    }

    @ParameterizedTest
    @ValueSource(strings = {"X", "PX", "PORTX", "PORT\t", "USER anonym", " PORT 1", "EPRTX", "LIST"})
    void neverHoldsWhatCannotBecomeACandidate(String tail) {
        FtpLineBuffer b = hold();
        Chunked c = b.feed(ISN1, ascii("NOOP\r\n" + tail), 0);
        assertEquals(0, c.heldLength());
        assertEquals("NOOP\r\n" + tail, forwarded(c));
        // The rest of that line is not at a line start: a PORT there is not a command.
        Chunked next = b.feed(ISN1 + 6 + tail.length(), ascii("PORT 10,0,0,11,1,2\r\nPORT 10,0,0,11,1,3\r\n"), 0);
        assertEquals(List.of("PORT 10,0,0,11,1,3"), candidates(next));
    }

    @Test
    void repliesHoldOnlyTheirCodes() {
        FtpLineBuffer b = new FtpLineBuffer(Mode.HOLD, REPLIES, ISN1, 500);
        assertEquals(2, b.feed(ISN1, ascii("22"), 0).heldLength());
        assertEquals(0, b.feed(ISN1 + 2, ascii("7-Multi-line\r\n"), 0).heldLength());
        assertEquals(0, b.feed(ISN1 + 16, ascii("200 PORT command successful"), 0).heldLength());
        b.feed(ISN1 + 43, ascii("\r\n"), 0);
        Chunked c = b.feed(ISN1 + 45, ascii("227 Entering Passive Mode (10,0,0,12,"), 0);
        assertEquals(37, c.heldLength());
        assertEquals(0, c.forwardLength());
        Chunked d = b.feed(ISN1 + 82, ascii("195,149).\r\n229 Entering Ext"), 0);
        assertEquals(List.of("227 Entering Passive Mode (10,0,0,12,195,149)."), candidates(d));
        assertEquals(16, d.heldLength());
    }

    @Test
    void absorbsARetransmissionOfHeldBytes() {
        FtpLineBuffer b = hold();
        b.feed(ISN1, ascii("NOOP\r\nPORT 10,0"), 0);
        assertEquals(Kind.ABSORBED, b.feed(ISN1 + 6, ascii("PORT 10,0"), 10).kind());
        assertEquals(Kind.ABSORBED, b.feed(ISN1 + 8, ascii("RT 1"), 10).kind());
        assertEquals(OptionalLong.of(500), b.deadline(), "a retransmission does not extend the hold");
        // Held bytes plus more, sent again from inside the held bytes: merged.
        Chunked c = b.feed(ISN1 + 10, ascii(" 10,0,0,11,1,2\r\n"), 20);
        assertEquals(Kind.FRESH, c.kind());
        assertEquals("PORT 10,0,0,11,1,2\r\n", forwarded(c));
        assertEquals(ISN1 + 6, c.dataSeq());
    }

    @Test
    void reportsBytesForwardedBefore() {
        FtpLineBuffer b = hold();
        b.feed(ISN1, ascii("USER anonymous\r\nPORT 1"), 0);
        Chunked old = b.feed(ISN1, ascii("USER anonymous\r\n"), 0);
        assertEquals(Kind.OLD, old.kind());
        assertEquals(16, old.oldBytes());
        Chunked partly = b.feed(ISN1 + 9, ascii("ymous\r\nPORT"), 0);
        assertEquals(Kind.OLD, partly.kind());
        assertEquals(7, partly.oldBytes());
        Chunked more = b.feed(ISN1 + 9, ascii("ymous\r\nPORT 10,0,0,11,1,2\r\n"), 0);
        assertEquals(Kind.FRESH, more.kind());
        assertEquals(7, more.oldBytes());
        assertEquals(ISN1 + 16, more.dataSeq());
        assertEquals("PORT 10,0,0,11,1,2\r\n", forwarded(more));
    }

    @Test
    void leavesSegmentsAfterAGapAlone() {
        FtpLineBuffer b = hold();
        b.feed(ISN1, ascii("NOOP\r\n"), 0);
        Chunked c = b.feed(ISN1 + 10, ascii("PORT 10,0,0,11,1,2\r\n"), 0);
        assertEquals(Kind.OUT_OF_ORDER, c.kind());
        assertEquals(ISN1 + 6, b.frontier());
        Chunked filled = b.feed(ISN1 + 6, ascii("NOOP"), 0);
        assertEquals(Kind.FRESH, filled.kind());
        Chunked again = b.feed(ISN1 + 10, ascii("\r\nPORT 10,0,0,11,1,2\r\n"), 0);
        assertEquals(List.of("PORT 10,0,0,11,1,2"), candidates(again));
    }

    @Test
    void releasesHeldBytesWhenDue() {
        FtpLineBuffer b = hold();
        b.feed(ISN1, ascii("NOOP\r\nPORT 10,0,0,1"), 1000);
        assertEquals(Optional.empty(), b.releaseIfDue(1499));
        b.feed(ISN1 + 19, ascii("1"), 1200); // progress: the hold starts again
        assertEquals(OptionalLong.of(1700), b.deadline());
        assertEquals(Optional.empty(), b.releaseIfDue(1600));
        Optional<HeldSegment> r = b.releaseIfDue(1700);
        assertTrue(r.isPresent());
        assertEquals(ISN1 + 6, r.get().seq());
        assertEquals("PORT 10,0,0,11", text(r.get().payload()));
        assertEquals(ISN1 + 20, b.forwardedEnd());
        assertEquals(Optional.empty(), b.releaseIfDue(5000));
        // The line's rest is passed through, not parsed.
        Chunked rest = b.feed(ISN1 + 20, ascii(",195,80\r\nPORT 10,0,0,11,1,2\r\n"), 1800);
        assertEquals(List.of("PORT 10,0,0,11,1,2"), candidates(rest));
        assertEquals(29, rest.forwardLength());
    }

    @Test
    void releaseNowIgnoresTheDeadline() {
        FtpLineBuffer b = hold();
        b.feed(ISN1, ascii("EPRT |1|"), 0);
        assertEquals("EPRT |1|", text(b.release().orElseThrow().payload()));
        assertEquals(Optional.empty(), b.release());
    }

    @Test
    void finFlushesAndNeverHolds() {
        FtpLineBuffer b = hold();
        Chunked c = b.feed(ISN1, ascii("QUIT\r\nPORT 1"), true, 0);
        assertEquals(0, c.heldLength());
        assertEquals(12, c.forwardLength());

        FtpLineBuffer h = hold();
        h.feed(ISN1, ascii("PORT 1"), 0);
        Chunked fin = h.feed(ISN1 + 6, new byte[0], true, 0);
        assertEquals(Kind.FRESH, fin.kind());
        assertEquals("PORT 1", forwarded(fin));
        assertEquals(0, h.heldBytes());

        FtpLineBuffer r = hold();
        r.feed(ISN1, ascii("NOOP\r\nPORT 1"), 0);
        Chunked resent = r.feed(ISN1, ascii("NOOP\r\nPORT 1"), true, 0); // FIN right after the held bytes
        assertEquals(Kind.FRESH, resent.kind());
        assertEquals(6, resent.oldBytes());
        assertEquals("PORT 1", forwarded(resent));
        assertEquals(Kind.EMPTY, r.feed(ISN1 + 12, new byte[0], true, 0).kind());
    }

    @Test
    void boundsLines() {
        String pad = "1".repeat(FtpLineBuffer.MAX_LINE);
        // A complete candidate of exactly MAX_LINE bytes is parsed; one byte more is not.
        String fits = "PORT 10,0,0,11,1,2" + " ".repeat(FtpLineBuffer.MAX_LINE - 20) + "\r\n";
        assertEquals(FtpLineBuffer.MAX_LINE, fits.length());
        Chunked c = hold().feed(ISN1, ascii(fits + "X" + fits), 0);
        assertTrue(c.lines().get(0).candidate());
        assertEquals(0, c.overlong());
        Chunked over = hold().feed(ISN1, ascii("PORT " + pad + "\r\nNOOP\r\n"), 0);
        assertFalse(over.lines().get(0).candidate());
        assertTrue(over.lines().get(0).overlong());
        assertEquals(1, over.overlong());
        // A long line that is no candidate is not counted.
        assertEquals(0, hold().feed(ISN1, ascii("STOR " + pad + "\r\n"), 0).overlong());

        // Held bytes growing to the bound are let go, counted once.
        FtpLineBuffer b = hold();
        int n = 0;
        int overlong = 0;
        String held = "PORT " + "1".repeat(FtpLineBuffer.MAX_LINE - 6);
        Chunked first = b.feed(ISN1, ascii(held), 0);
        assertEquals(FtpLineBuffer.MAX_LINE - 1, first.heldLength());
        n += held.length();
        Chunked crossing = b.feed(ISN1 + n, ascii("2"), 0);
        n++;
        overlong += crossing.overlong();
        assertEquals(0, crossing.heldLength());
        assertEquals(FtpLineBuffer.MAX_LINE, crossing.forwardLength());
        Chunked more = b.feed(ISN1 + n, ascii("3333\r\nPORT 10,0,0,11,1,2\r\n"), 0);
        overlong += more.overlong();
        assertEquals(1, overlong);
        assertEquals(List.of("PORT 10,0,0,11,1,2"), candidates(more));
    }

    @Test
    void followsTheSequenceAcrossTheWrap() {
        long isn1 = 0xffff_fffcL;
        FtpLineBuffer b = new FtpLineBuffer(Mode.HOLD, COMMANDS, isn1, 500);
        Chunked c = b.feed(isn1, ascii("NOOP\r\nPO"), 0);
        assertEquals(2, c.heldLength());
        assertEquals(2, b.forwardedEnd());
        assertEquals(4, b.frontier());
        assertEquals(Kind.ABSORBED, b.feed(2, ascii("PO"), 0).kind());
        assertEquals(Kind.OLD, b.feed(0xffff_fffeL, ascii("\r\n"), 0).kind());
        assertEquals(Kind.OUT_OF_ORDER, b.feed(5, ascii("T"), 0).kind());
        Chunked merged = b.feed(4, ascii("RT 10,0,0,11,1,2\r\n"), 0);
        assertEquals(2, merged.dataSeq());
        assertEquals(List.of("PORT 10,0,0,11,1,2"), candidates(merged));
        assertEquals(22, b.forwardedEnd());
    }

    @Test
    void midStreamStartIgnoresTheFirstPartialLine() {
        FtpLineBuffer b = new FtpLineBuffer(Mode.HOLD, COMMANDS, 5000, false, 500, FtpLineBuffer.MAX_LINE);
        Chunked c = b.feed(5000, ascii("PORT 10,0,0,11,1,2\r\nPORT 10,0,0,11,1,3\r\n"), 0);
        assertEquals(List.of("PORT 10,0,0,11,1,3"), candidates(c));
    }

    @Test
    void emptySegments() {
        FtpLineBuffer b = hold();
        assertEquals(Kind.EMPTY, b.feed(ISN1, new byte[0], 0).kind());
        b.feed(ISN1, ascii("PO"), 0);
        assertEquals(Kind.EMPTY, b.feed(ISN1 + 2, new byte[0], 0).kind());
        assertEquals(2, b.heldBytes());
    }

    // ---- SHADOW -------------------------------------------------------------------------------

    @Test
    void shadowForwardsEverythingAndCompletesTheLineLater() {
        FtpLineBuffer b = new FtpLineBuffer(Mode.SHADOW, REPLIES, ISN1, 500);
        Chunked c = b.feed(ISN1, ascii("150 Here comes the listing.\r\n227 Entering Passive Mode (198,51"), 0);
        assertEquals(c.data().length, c.forwardLength());
        assertEquals(0, b.heldBytes());
        assertEquals(OptionalLong.empty(), b.deadline());
        assertEquals(Optional.empty(), b.releaseIfDue(10_000));
        Chunked d = b.feed(ISN1 + 62, ascii(",100,20,195,149).\r\n"), 0);
        assertEquals(List.of("227 Entering Passive Mode (198,51,100,20,195,149)."), candidates(d));
        assertEquals(ISN1 + 29, d.dataSeq());
        assertEquals(33, d.newFrom());
        // A retransmission is not read again.
        Chunked again = b.feed(ISN1 + 29, ascii("227 Entering Passive Mode (198,51,100,20,195,149).\r\n"), 0);
        assertEquals(Kind.OLD, again.kind());
        assertEquals(List.of(), again.lines());
    }

    @Test
    void shadowResynchronisesAfterAGap() {
        FtpLineBuffer b = new FtpLineBuffer(Mode.SHADOW, REPLIES, ISN1, 500);
        b.feed(ISN1, ascii("220 (vsFTPd 3.0.3)\r\n"), 0);
        Chunked c = b.feed(ISN1 + 100, ascii("227 (1,2,3,4,5,6)\r\n229 (|||50005|)\r\n"), 0);
        assertEquals(Kind.FRESH, c.kind());
        assertEquals(List.of("229 (|||50005|)"), candidates(c));
        assertEquals(ISN1 + 136, b.frontier());
    }

    @Test
    void holdModeDataIsACopy() {
        FtpLineBuffer b = hold();
        byte[] payload = ascii("PORT 10,0");
        b.feed(ISN1, payload, 0);
        payload[0] = 'X';
        assertArrayEquals(ascii("PORT 10,0"), b.release().orElseThrow().payload());
    }
}
