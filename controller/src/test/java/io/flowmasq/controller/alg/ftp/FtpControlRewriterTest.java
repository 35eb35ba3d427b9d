package io.flowmasq.controller.alg.ftp;

import static io.flowmasq.controller.alg.ftp.TcpFrames.ascii;
import static io.flowmasq.controller.alg.ftp.TcpFrames.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.alg.ftp.FtpControlRewriter.Role;
import io.flowmasq.controller.alg.ftp.SegmentOutcome.Kind;
import io.flowmasq.flowcompiler.Endpoint;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The ALG for one direction, over byte streams like those of vsftpd, lftp and curl sessions. */
class FtpControlRewriterTest {
    private static final long CLIENT_ISN1 = 0x3a5f_0001L;
    private static final long SERVER_ISN1 = 0x91c2_7701L;

    private final RecordingEvents events = new RecordingEvents();

    private Pipe client() {
        return new Pipe(Role.CLIENT_TO_SERVER, CLIENT_ISN1, events);
    }

    private Pipe serverLearn() {
        return new Pipe(Role.SERVER_TO_CLIENT_LEARN, SERVER_ISN1, events);
    }

    private Pipe serverRewrite() {
        return new Pipe(Role.SERVER_TO_CLIENT_REWRITE, SERVER_ISN1, events);
    }

    // ---- recorded sessions --------------------------------------------------------------------

    @Test
    void lftpActiveListing() {
        Pipe p = client();
        String[] commands = {"USER anonymous\r\n", "PASS lftp@\r\n", "PWD\r\n", "FEAT\r\n", "TYPE A\r\n",
            "PORT 10,0,0,11,195,80\r\n", "LIST\r\n", "QUIT\r\n"};
        int offset = 0;
        for (String c : commands) {
            p.sendAt(offset, c);
            offset += c.length();
        }
        assertEquals("USER anonymous\r\nPASS lftp@\r\nPWD\r\nFEAT\r\nTYPE A\r\nPORT 203,0,113,1,195,80\r\nLIST\r\nQUIT\r\n",
                p.received());
        assertEquals(List.of("PORT 10.0.0.11:50000"), events.calls);
        SegmentOutcome port = p.outcomes.get(5);
        assertEquals(Kind.DATA, port.kind());
        assertEquals(2, port.lengthDiff());
        assertEquals(1, port.rewritten());
        long portSeq = CLIENT_ISN1 + 47;
        assertEquals(portSeq, port.seq());
        assertEquals(portSeq, p.adjust.correctionPos());
        assertEquals(2, p.adjust.offsetAfter());
        SegmentOutcome list = p.outcomes.get(6);
        assertEquals(portSeq + 23, list.seq());
        assertEquals(portSeq + 25, p.adjust.adjustSeq(list.seq()));
        assertEquals(portSeq + 23 + 6, p.adjust.adjustAck(portSeq + 25 + 6)); // the server's ack of LIST
    }

    @Test
    void curlActiveWithEprt() {
        Pipe p = client();
        p.sendCut("USER anonymous\r\nPASS ftp@example.com\r\nPWD\r\nEPRT |1|10.0.0.11|50000|\r\nTYPE I\r\nRETR 20M.bin\r\n",
                16, 38, 43, 70, 78);
        assertEquals("USER anonymous\r\nPASS ftp@example.com\r\nPWD\r\nEPRT |1|203.0.113.1|50000|\r\nTYPE I\r\n"
                + "RETR 20M.bin\r\n", p.received());
        assertEquals(List.of("EPRT 10.0.0.11:50000"), events.calls);
    }

    @Test
    void vsftpdPassiveRepliesToAnInsideClientAreLearnedNotChanged() {
        Pipe p = serverLearn();
        String stream = "220 (vsFTPd 3.0.3)\r\n331 Please specify the password.\r\n230 Login successful.\r\n"
                + "211-Features:\r\n EPRT\r\n EPSV\r\n PASV\r\n211 End\r\n"
                + "227 Entering Passive Mode (198,51,100,20,195,149).\r\n150 Here comes the directory listing.\r\n"
                + "226 Directory send OK.\r\n229 Entering Extended Passive Mode (|||50005|)\r\n"
                + "227-Not a reply (1,2,3,4,5,6)\r\n227 Done.\r\n";
        int at = stream.indexOf("(198");
        p.sendCut(stream, 20, at + 3, at + 10, stream.indexOf("|||") + 2);
        assertEquals(stream, p.received());
        assertEquals(List.of("passive 198.51.100.20:50069", "passive null:50005"), events.calls);
        for (SegmentOutcome o : p.outcomes) {
            assertTrue(o.send());
            assertEquals(0, o.lengthDiff());
            assertEquals(0, o.heldBytes());
        }
        assertEquals(1, p.outcomes.stream().mapToInt(SegmentOutcome::malformed).sum(), "227 Done. has no numbers");
        // Retransmissions are forwarded and not learned again.
        p.sendAt(at - 27, stream.substring(at - 27, at + 30));
        assertEquals(2, events.calls.size());
        assertEquals(Kind.RETRANSMISSION, p.outcomes.get(p.outcomes.size() - 1).kind());
    }

    @Test
    void insideServerPassiveRepliesAreRewritten() {
        Pipe p = serverRewrite();
        events.extendedPassive = port -> OptionalInt.of(2121);
        String stream = "220 (vsFTPd 3.0.3)\r\n227 Entering Passive Mode (10,0,0,12,195,149).\r\n"
                + "229 Entering Extended Passive Mode (|||50005|)\r\n227-Multi (1,2,3,4,5,6)\r\n227 end\r\n";
        p.sendCut(stream, 20, 70);
        assertEquals("220 (vsFTPd 3.0.3)\r\n227 Entering Passive Mode (203,0,113,1,195,149).\r\n"
                + "229 Entering Extended Passive Mode (|||2121|)\r\n227-Multi (1,2,3,4,5,6)\r\n227 end\r\n", p.received());
        assertEquals(List.of("227 10.0.0.12:50069", "229 50005"), events.calls);
        assertEquals(2, p.outcomes.get(1).lengthDiff());
        assertEquals(-1, p.outcomes.get(2).lengthDiff());
        assertEquals(1, p.adjust.offsetAfter());
    }

    @Test
    void insideServerReplyLeftAloneWhenTheEngineSaysSo() {
        Pipe p = serverRewrite();
        events.passive = e -> Optional.empty();
        p.sendAt(0, "227 Entering Passive Mode (10,0,0,12,195,149).\r\n");
        assertEquals("227 Entering Passive Mode (10,0,0,12,195,149).\r\n", p.received());
        assertEquals(1, p.outcomes.get(0).refused());
        assertFalse(p.adjust.hasChange());
    }

    // ---- several commands, split commands -----------------------------------------------------

    @Test
    void severalCommandsInOneSegment() {
        Pipe p = client();
        SegmentOutcome o = p.sendAt(0, "TYPE I\r\nPORT 10,0,0,11,195,80\r\nRETR a.bin\r\nEPRT |1|10.0.0.11|50001|\r\n"
                + "PORT 192.0.2.1\r\nport 10,0,0,11,0,21\r\n");
        assertEquals("TYPE I\r\nPORT 203,0,113,1,195,80\r\nRETR a.bin\r\nEPRT |1|203.0.113.1|50001|\r\n"
                + "PORT 192.0.2.1\r\nport 203,0,113,1,0,21\r\n", p.received());
        assertEquals(List.of("PORT 10.0.0.11:50000", "EPRT 10.0.0.11:50001", "PORT 10.0.0.11:21"), events.calls);
        assertEquals(6, o.lengthDiff());
        assertEquals(3, o.rewritten());
        assertEquals(1, o.malformed());
        assertEquals(CLIENT_ISN1, p.adjust.correctionPos());
    }

    static Stream<Arguments> splittableLines() {
        return Stream.of(
                Arguments.of(Role.CLIENT_TO_SERVER, "PORT 10,0,0,11,195,80\r\n", "PORT 203,0,113,1,195,80\r\n"),
                Arguments.of(Role.CLIENT_TO_SERVER, "EPRT |1|10.0.0.11|50000|\r\n", "EPRT |1|203.0.113.1|50000|\r\n"),
                Arguments.of(Role.CLIENT_TO_SERVER, "PORT 192,168,100,200,195,80\r\n", "PORT 1,2,3,4,195,80\r\n"),
                Arguments.of(Role.SERVER_TO_CLIENT_REWRITE, "227 Entering Passive Mode (10,0,0,12,195,149).\r\n",
                        "227 Entering Passive Mode (203,0,113,1,195,149).\r\n"),
                Arguments.of(Role.SERVER_TO_CLIENT_REWRITE, "229 Entering Extended Passive Mode (|||50005|)\r\n",
                        "229 Entering Extended Passive Mode (|||2121|)\r\n"));
    }

    @ParameterizedTest
    @MethodSource("splittableLines")
    void splitAtEveryBytePosition(Role role, String line, String rewritten) {
        String before = role == Role.CLIENT_TO_SERVER ? "NOOP\r\n" : "200 NOOP ok.\r\n";
        String after = role == Role.CLIENT_TO_SERVER ? "LIST\r\n" : "150 Here it comes.\r\n";
        String stream = before + line + after;
        String expected = before + rewritten + after;
        int start = before.length();
        int end = start + line.length();
        for (int i = start - 1; i <= end; i++) {
            for (int j = i; j <= end + 1; j++) {
                RecordingEvents ev = new RecordingEvents();
                ev.extendedPassive = port -> OptionalInt.of(2121);
                Pipe p = new Pipe(role, 0xffff_fff0L, ev); // the wrap falls inside the stream
                p.sendCut(stream, i, j);
                String where = "cuts " + i + ", " + j;
                assertEquals(expected, p.received(), where);
                assertEquals(1, ev.calls.size(), where);
                assertEquals(0, p.rewriter.heldBytes(), where);
                for (SegmentOutcome o : p.outcomes) {
                    if (o.send() && o.payload().length > 0) {
                        // Never half a candidate line on the wire.
                        String sent = text(o.payload());
                        assertFalse(sent.contains(line.substring(0, 4)) && !sent.contains(rewritten), where + ": " + sent);
                    }
                }
            }
        }
    }

    @Test
    void splitCommandMergesBehindTheHeldBytes() {
        Pipe p = client();
        SegmentOutcome first = p.sendAt(0, "USER anonymous\r\nPORT 10,0,0,1");
        assertTrue(first.send());
        assertEquals("USER anonymous\r\n", text(first.payload()));
        assertEquals(13, first.heldBytes());
        assertEquals(p.rewriter.holdDeadline().getAsLong(), FtpControlRewriter.DEFAULT_HOLD_MILLIS);
        SegmentOutcome onlyHeld = p.sendAt(29, "1,1");
        assertFalse(onlyHeld.send());
        assertEquals(16, onlyHeld.heldBytes());
        SegmentOutcome merged = p.sendAt(32, "95,80\r\nLIST\r\n");
        assertEquals(CLIENT_ISN1 + 16, merged.seq());
        assertEquals("PORT 203,0,113,1,195,80\r\nLIST\r\n", text(merged.payload()));
        assertEquals(2, merged.lengthDiff());
        assertEquals(0, merged.heldBytes());
    }

    // ---- protections --------------------------------------------------------------------------

    @Test
    void bounceAttemptIsLeftUnchanged() {
        Pipe p = client();
        SegmentOutcome o = p.sendAt(0, "PORT 192,0,2,1,0,25\r\n");
        SegmentOutcome e = p.sendAt(21, "EPRT |1|198.51.100.99|25|\r\n");
        assertEquals("PORT 192,0,2,1,0,25\r\nEPRT |1|198.51.100.99|25|\r\n", p.received());
        assertEquals(List.of("PORT 192.0.2.1:25", "EPRT 198.51.100.99:25"), events.calls);
        assertEquals(1, o.refused());
        assertEquals(1, e.refused());
        assertEquals(0, o.lengthDiff());
        assertFalse(p.adjust.hasChange());
    }

    @Test
    void slipstreamedPortIsNotACommand() {
        Pipe p = client();
        String stream = "USER PORT 10,0,0,11,1,2\r\nNOOP\r\nXPORT 10,0,0,11,1,2\r\n PORT 10,0,0,11,1,2\r\n"
                + "STOR aPORT 10,0,0,11,1,2\r\n";
        p.sendAt(0, stream);
        assertEquals(stream, p.received());
        assertEquals(List.of(), events.calls);
        // A segment boundary is no line boundary: "USER anonymous" + "PORT ..." is one line.
        Pipe q = client();
        q.sendCut("USER anonymousPORT 10,0,0,11,195,80\r\n", 14);
        assertEquals(List.of(), events.calls);
        assertEquals("USER anonymousPORT 10,0,0,11,195,80\r\n", q.received());
    }

    @Test
    void crlfInsideAnArgumentEndsTheCommand() {
        // In FTP a CRLF ends the command: what follows it is a new command to the server too.
        Pipe p = client();
        p.sendAt(0, "RETR foo\r\nPORT 10,0,0,11,1,2\r\n");
        assertEquals(List.of("PORT 10.0.0.11:258"), events.calls);
        assertEquals("RETR foo\r\nPORT 203,0,113,1,1,2\r\n", p.received());
    }

    @Test
    void overlongAndMalformedLinesPassUntouched() {
        Pipe p = client();
        String overlong = "PORT 10,0,0,11,195,80" + " ".repeat(1100) + "\r\n";
        SegmentOutcome o = p.sendAt(0, overlong);
        assertEquals(1, o.overlong());
        SegmentOutcome m = p.sendAt(overlong.length(), "PORT 10,0,0,11,195,800\r\nEPRT |2|::1|5282|\r\n");
        assertEquals(2, m.malformed());
        assertEquals(overlong + "PORT 10,0,0,11,195,800\r\nEPRT |2|::1|5282|\r\n", p.received());
        assertEquals(List.of(), events.calls);
        assertFalse(p.adjust.hasChange());
    }

    // ---- retransmissions ----------------------------------------------------------------------

    @Test
    void retransmittedPortIsSentAsTheFirstTimeAndCountedOnce() {
        Pipe p = client();
        p.sendAt(0, "NOOP\r\n");
        SegmentOutcome first = p.sendAt(6, "PORT 10,0,0,11,195,80\r\n");
        p.sendAt(29, "LIST\r\n");
        SegmentOutcome again = p.sendAt(6, "PORT 10,0,0,11,195,80\r\n");
        assertEquals(Kind.RETRANSMISSION, again.kind());
        assertArrayEquals(first.payload(), again.payload());
        assertEquals(first.seq(), again.seq());
        assertEquals(first.lengthDiff(), again.lengthDiff());
        assertEquals(List.of("PORT 10.0.0.11:50000"), events.calls, "the engine is asked once");
        assertEquals(2, p.adjust.offsetAfter());
        assertEquals(0, p.adjust.offsetBefore());
        assertEquals("NOOP\r\nPORT 203,0,113,1,195,80\r\nLIST\r\n", p.received());
        p.sendAt(35, "QUIT\r\n");
        assertEquals(CLIENT_ISN1 + 37, p.adjust.adjustSeq(CLIENT_ISN1 + 35));
    }

    @Test
    void retransmissionStraddlingTheChange() {
        Pipe p = client();
        p.sendCut("USER anonymous\r\nPORT 10,0,0,11,195,80\r\nLIST\r\n", 16, 39);
        // Linux collapses the three unacknowledged segments into one on retransmission.
        SegmentOutcome o = p.sendAt(0, "USER anonymous\r\nPORT 10,0,0,11,195,80\r\nLIST\r\n");
        assertEquals(Kind.RETRANSMISSION, o.kind());
        assertEquals(CLIENT_ISN1, o.seq());
        assertEquals("USER anonymous\r\nPORT 203,0,113,1,195,80\r\nLIST\r\n", text(o.payload()));
        assertEquals(2, p.adjust.offsetAfter());
        assertEquals(CLIENT_ISN1 + 16, p.adjust.correctionPos());
        // From inside the USER line to inside LIST.
        SegmentOutcome mid = p.sendAt(5, "anonymous\r\nPORT 10,0,0,11,195,80\r\nLI");
        assertEquals("anonymous\r\nPORT 203,0,113,1,195,80\r\nLI", text(mid.payload()));
        assertEquals(1, events.calls.size());
    }

    @ParameterizedTest
    @MethodSource("splittableLines")
    void everyRetransmittedRangeIsConsistentWithWhatWasSent(Role role, String line, String rewritten) {
        // Resend every sub-range of the stream, cut anywhere (even inside the rewritten line, as a
        // sender that re-segments might): the receiver must never get two versions of a byte.
        String stream = "NOOP\r\n" + line + "STAT\r\n";
        for (int from = 0; from < stream.length(); from++) {
            for (int to = from + 1; to <= stream.length(); to++) {
                RecordingEvents ev = new RecordingEvents();
                ev.extendedPassive = port -> OptionalInt.of(2121);
                Pipe p = new Pipe(role, 0xffff_fffaL, ev);
                p.sendCut(stream, 6, 6 + line.length());
                p.sendAt(from, stream.substring(from, to));
                assertEquals("NOOP\r\n" + rewritten + "STAT\r\n", p.received(), from + ".." + to);
                assertEquals(1, ev.calls.size());
            }
        }
    }

    @Test
    void retransmissionPlusNewDataIsCombinedWhenItCoversNoRewrite() {
        Pipe p = client();
        p.sendAt(0, "NOOP\r\n");
        SegmentOutcome o = p.sendAt(0, "NOOP\r\nPORT 10,0,0,11,195,80\r\n");
        assertEquals(Kind.DATA, o.kind());
        assertEquals(CLIENT_ISN1, o.seq());
        assertEquals("NOOP\r\nPORT 203,0,113,1,195,80\r\n", text(o.payload()));
        assertEquals(CLIENT_ISN1, p.adjust.correctionPos());
        p.sendAt(29, "LIST\r\n");
        assertEquals("NOOP\r\nPORT 203,0,113,1,195,80\r\nLIST\r\n", p.received());
    }

    @Test
    void retransmissionOfARewriteCarryingNewDataSendsTheOldPartOnly() {
        Pipe p = client();
        p.sendAt(0, "PORT 10,0,0,11,195,80\r\n");
        SegmentOutcome o = p.sendAt(0, "PORT 10,0,0,11,195,80\r\nEPRT |1|10.0.0.11|50001|\r\n");
        assertEquals(Kind.RETRANSMISSION, o.kind());
        assertEquals("PORT 203,0,113,1,195,80\r\n", text(o.payload()));
        assertEquals(1, events.calls.size());
        // TCP sends the rest again on its own: now it is new data.
        SegmentOutcome rest = p.sendAt(23, "EPRT |1|10.0.0.11|50001|\r\n");
        assertEquals(Kind.DATA, rest.kind());
        assertEquals("PORT 203,0,113,1,195,80\r\nEPRT |1|203.0.113.1|50001|\r\n", p.received());
        assertEquals(4, p.adjust.offsetAfter());
        assertEquals(2, p.adjust.offsetBefore());
    }

    @Test
    void retransmissionOfHeldBytesIsAbsorbed() {
        Pipe p = client();
        p.sendAt(0, "NOOP\r\nPORT 10,0");
        SegmentOutcome o = p.sendAt(6, "PORT 10,0");
        assertEquals(Kind.ABSORBED, o.kind());
        assertFalse(o.send());
        SegmentOutcome both = p.sendAt(0, "NOOP\r\nPORT 10,0");
        assertEquals(Kind.RETRANSMISSION, both.kind());
        assertEquals("NOOP\r\n", text(both.payload()));
        p.sendAt(15, ",0,11,195,80\r\n");
        assertEquals("NOOP\r\nPORT 203,0,113,1,195,80\r\n", p.received());
    }

    // ---- hold time, gaps, FIN, pure ACKs ------------------------------------------------------

    @Test
    void heldBytesAreReleasedUnchangedWhenTheSenderWaits() {
        // A sender under Nagle waits for the ACK of "PORT 10,0,0,1" before sending the rest.
        Pipe p = client();
        p.now = 10_000;
        assertFalse(p.sendAt(0, "PORT 10,0,0,1").send());
        p.now = 10_499;
        p.releaseIfDue();
        assertEquals("", p.received());
        p.now = 10_500;
        p.releaseIfDue();
        assertEquals("PORT 10,0,0,1", p.received());
        p.sendAt(13, "1,195,80\r\nPORT 10,0,0,11,195,81\r\n");
        assertEquals("PORT 10,0,0,11,195,80\r\nPORT 203,0,113,1,195,81\r\n", p.received());
        assertEquals(List.of("PORT 10.0.0.11:50001"), events.calls);
    }

    @Test
    void segmentAfterAGapIsDroppedUntilTheGapIsFilled() {
        Pipe p = client();
        p.sendAt(0, "NOOP\r\n");
        SegmentOutcome early = p.sendAt(12, "PORT 10,0,0,11,195,80\r\n");
        assertEquals(Kind.OUT_OF_ORDER, early.kind());
        assertFalse(early.send());
        p.sendAt(6, "TYPE I\r\n".substring(0, 6));
        p.sendAt(12, "\r\nPORT 10,0,0,11,195,80\r\n".substring(2));
        assertEquals("NOOP\r\nTYPE IPORT 10,0,0,11,195,80\r\n", p.received(), "the stream decides, not the order");
        assertEquals(List.of(), events.calls);
    }

    @Test
    void finFlushesHeldBytes() {
        Pipe p = client();
        p.sendAt(0, "NOOP\r\nPORT 1");
        SegmentOutcome fin = p.send(CLIENT_ISN1 + 12, new byte[0], true);
        assertEquals(Kind.DATA, fin.kind());
        assertTrue(fin.fin());
        assertEquals(CLIENT_ISN1 + 6, fin.seq());
        assertEquals("PORT 1", text(fin.payload()));
        assertEquals("NOOP\r\nPORT 1", p.received());

        Pipe q = client();
        SegmentOutcome quit = q.send(CLIENT_ISN1, ascii("QUIT\r\nPORT 1"), true);
        assertTrue(quit.fin());
        assertEquals("QUIT\r\nPORT 1", text(quit.payload()));
        assertEquals(0, quit.heldBytes());
    }

    @Test
    void finOnATruncatedRetransmissionIsCleared() {
        Pipe p = client();
        p.sendAt(0, "PORT 10,0,0,11,195,80\r\n");
        SegmentOutcome o = p.send(CLIENT_ISN1, ascii("PORT 10,0,0,11,195,80\r\nQUIT\r\n"), true);
        assertEquals(Kind.RETRANSMISSION, o.kind());
        assertFalse(o.fin(), "the FIN follows bytes that are not sent");
        SegmentOutcome whole = p.send(CLIENT_ISN1, ascii("PORT 10,0,0,11,195,80\r\n"), true);
        assertTrue(whole.fin());
    }

    @Test
    void segmentsWithoutDataPass() {
        Pipe p = client();
        p.sendAt(0, "PORT 10");
        SegmentOutcome ack = p.send(CLIENT_ISN1 + 7, new byte[0], false);
        assertEquals(Kind.NO_DATA, ack.kind());
        assertTrue(ack.send());
        assertEquals(CLIENT_ISN1 + 7, ack.seq());
        assertEquals(7, ack.heldBytes());
        Pipe learn = serverLearn();
        SegmentOutcome fin = learn.send(SERVER_ISN1, new byte[0], true);
        assertEquals(Kind.NO_DATA, fin.kind());
        assertTrue(fin.fin());
    }

    @Test
    void rolesListTheirCandidates() {
        assertEquals(List.of("PORT ", "EPRT "), Role.CLIENT_TO_SERVER.prefixes());
        assertEquals(List.of("227 ", "229 "), Role.SERVER_TO_CLIENT_REWRITE.prefixes());
        assertEquals(List.of("227 ", "229 "), Role.SERVER_TO_CLIENT_LEARN.prefixes());
        assertEquals(Role.CLIENT_TO_SERVER, client().rewriter.role());
    }

    @Test
    void rewrittenEndpointComesFromTheEngine() {
        Pipe p = client();
        events.active = e -> Optional.of(Endpoint.of("198.51.100.254", 65535));
        p.sendAt(0, "PORT 10,0,0,11,4,1\r\n");
        assertEquals("PORT 198,51,100,254,255,255\r\n", p.received());
        assertEquals(9, p.adjust.offsetAfter());
    }
}
