package io.flowmasq.controller.alg.ftp;

import static io.flowmasq.controller.alg.ftp.TcpFrames.ACK;
import static io.flowmasq.controller.alg.ftp.TcpFrames.PSH;
import static io.flowmasq.controller.alg.ftp.TcpFrames.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.alg.ftp.FtpControlRewriter.Role;
import io.flowmasq.controller.alg.ftp.TcpFrames.Spec;
import io.flowmasq.controller.alg.ftp.TcpSegmentRewriter.Rewrite;
import io.flowmasq.flowcompiler.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * A whole control connection through the ALG, both directions rewritten (an inside client talking
 * to an inside server through its public address: PORT/EPRT one way, 227/229 the other), over
 * thousands of bytes and the 2^32 wrap, with random segmentation, retransmissions from the last
 * acknowledged byte (re-cut at random), reordering before the controller and loss after it. Each
 * segment goes through {@link FtpControlRewriter}, {@link SeqAdjust} and {@link TcpSegmentRewriter};
 * the frame's checksums are checked independently, the receiver checks that no byte ever arrives
 * in two versions, and every acknowledgement, mapped back, must name exactly the original bytes the
 * receiver has.
 */
class ControlConnectionSimulationTest {
    private static final IPv4Address CLIENT = IPv4Address.of("10.0.0.11");
    private static final IPv4Address SERVER = IPv4Address.of("10.0.0.12");
    private static final IPv4Address PUBLIC = IPv4Address.of("203.0.113.1");

    /** An original line and what the receiver must get for it. */
    private record Pair(String orig, String expected) {
        boolean changed() {
            return !orig.equals(expected);
        }
    }

    private static List<Pair> clientScript(Random r) {
        List<Pair> s = new ArrayList<>();
        s.add(same("USER anonymous\r\n"));
        s.add(same("PASS guest@example.com\r\n"));
        s.add(same("SYST\r\n"));
        s.add(same("FEAT\r\n"));
        for (int i = 0; s.size() < 400; i++) {
            int p = 1024 + r.nextInt(64_000);
            int hi = p >> 8;
            int lo = p & 0xff;
            String ports = "," + hi + "," + lo + "\r\n";
            switch (r.nextInt(12)) {
                case 0 -> s.add(new Pair("PORT 10,0,0,11" + ports, "PORT 203,0,113,1" + ports));
                case 1 -> s.add(new Pair("EPRT |1|10.0.0.11|" + p + "|\r\n", "EPRT |1|203.0.113.1|" + p + "|\r\n"));
                case 2 -> s.add(new Pair("PORT 192,168,100,200" + ports, "PORT 1,2,3,4" + ports));
                case 3 -> s.add(new Pair("port 10,0,0,11" + ports, "port 203,0,113,1" + ports));
                case 4 -> s.add(same("PORT 192,0,2,1,0,25\r\n")); // bounce: refused
                case 5 -> s.add(same("USER PORT 10,0,0,11," + hi + "," + lo + "\r\n")); // slipstream
                case 6 -> s.add(same("RETR pub/file-" + i + "-with-a-rather-longer-name.tar.gz\r\n"));
                case 7 -> s.add(same("SITE " + "x".repeat(r.nextInt(1500)) + "\r\n"));
                case 8 -> s.add(same("PASV\r\nEPSV\r\nTYPE I\r\n"));
                case 9 -> s.add(same("STOR upload_" + i + ".dat\r\n"));
                case 10 -> s.add(same("CWD /pub/dir" + i + "\r\nLIST -la\r\n"));
                default -> s.add(same("NOOP\r\n"));
            }
        }
        s.add(same("QUIT\r\n"));
        return s;
    }

    private static List<Pair> serverScript(Random r) {
        List<Pair> s = new ArrayList<>();
        s.add(same("220 (vsFTPd 3.0.3)\r\n"));
        s.add(same("331 Please specify the password.\r\n"));
        s.add(same("230 Login successful.\r\n"));
        s.add(same("211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n211 End\r\n"));
        for (int i = 0; s.size() < 400; i++) {
            int p = 1024 + r.nextInt(64_000);
            int hi = p >> 8;
            int lo = p & 0xff;
            switch (r.nextInt(9)) {
                case 0 -> s.add(new Pair("227 Entering Passive Mode (10,0,0,12," + hi + "," + lo + ").\r\n",
                        "227 Entering Passive Mode (203,0,113,1," + hi + "," + lo + ").\r\n"));
                case 1 -> s.add(new Pair("227 Entering Passive Mode ( 10, 0,0,12 , " + hi + "," + lo + " )\r\n",
                        "227 Entering Passive Mode ( 203, 0,113,1 , " + hi + "," + lo + " )\r\n"));
                case 2 -> s.add(new Pair("229 Entering Extended Passive Mode (|||" + p + "|)\r\n",
                        "229 Entering Extended Passive Mode (|||" + extendedPort(p) + "|)\r\n"));
                case 3 -> s.add(same("227-Not a reply (10,0,0,12,1,2)\r\n227 Done.\r\n"));
                case 4 -> s.add(same("150 Opening BINARY mode data connection for f" + i + " (" + p * 31L + " bytes).\r\n"));
                case 5 -> s.add(same("226 Transfer complete.\r\n"));
                case 6 -> s.add(same("200 PORT command successful. Consider using PASV.\r\n"));
                case 7 -> s.add(same("250-Directory listing\r\n" + " line\r\n".repeat(r.nextInt(200)) + "250 End\r\n"));
                default -> s.add(same("200 NOOP ok.\r\n"));
            }
        }
        s.add(same("221 Goodbye.\r\n"));
        return s;
    }

    private static int extendedPort(int p) {
        return p < 10_000 ? p + 50_000 : p % 1000 + 1;
    }

    private static Pair same(String line) {
        return new Pair(line, line);
    }

    /** One sending side, its rewriter and SeqAdjust, and the receiver at the other end. */
    private static final class Side {
        final String name;
        final long isn1;
        final String orig;
        final String expected;
        final int[] changedStart;
        final int[] changedEnd;
        final int[] changedDiff;
        final FtpControlRewriter rewriter;
        final SeqAdjust adjust = new SeqAdjust();
        final Receiver peer;
        final RecordingEvents events;
        final Spec spec;
        final IPv4Address natSrc;
        final int natSrcPort;
        final IPv4Address natDst;
        final int natDstPort;
        final List<int[]> changedSegments = new ArrayList<>();
        /** Outcomes seen, by kind (and whether bytes were held, whether a replay changed length). */
        final Map<String, Integer> kinds = new TreeMap<>();
        int sndNxt;
        int sndUna;
        int expectedCalls;

        Side(String name, Role role, long isn1, List<Pair> script, RecordingEvents events, Spec spec,
             IPv4Address natSrc, int natSrcPort, IPv4Address natDst, int natDstPort) {
            this.name = name;
            this.isn1 = isn1;
            StringBuilder o = new StringBuilder();
            StringBuilder e = new StringBuilder();
            List<int[]> changed = new ArrayList<>();
            for (Pair p : script) {
                if (p.changed()) {
                    int diff = p.expected().length() - p.orig().length();
                    changed.add(new int[] {o.length(), o.length() + p.orig().length(), diff});
                }
                o.append(p.orig());
                e.append(p.expected());
                expectedCalls += p.changed() || p.orig().startsWith("PORT 192,0,2,1") ? 1 : 0;
            }
            this.orig = o.toString();
            this.expected = e.toString();
            changedStart = changed.stream().mapToInt(c -> c[0]).toArray();
            changedEnd = changed.stream().mapToInt(c -> c[1]).toArray();
            changedDiff = changed.stream().mapToInt(c -> c[2]).toArray();
            this.rewriter = new FtpControlRewriter(role, isn1, 500);
            this.peer = new Receiver(isn1);
            this.events = events;
            this.spec = spec;
            this.natSrc = natSrc;
            this.natSrcPort = natSrcPort;
            this.natDst = natDst;
            this.natDstPort = natDstPort;
        }

        /** At most one rewritten line unacknowledged: new data may go up to the end of the first one after sndUna. */
        int limit() {
            for (int i = 0; i < changedEnd.length; i++) {
                if (changedEnd[i] > sndUna) {
                    return changedEnd[i];
                }
            }
            return orig.length();
        }

        /**
         * The original offset matching {@code received} rewritten bytes, or -1 when that count ends
         * inside a rewritten line (then any offset within the line is acceptable).
         */
        int origOffsetOf(int received) {
            int shift = 0;
            for (int i = 0; i < changedStart.length; i++) {
                int rs = changedStart[i] + shift;
                int re = changedEnd[i] + shift + changedDiff[i];
                if (received <= rs) {
                    break;
                }
                if (received < re) {
                    return -1;
                }
                shift += changedDiff[i];
            }
            return received - shift;
        }

        /** Whether {@code received} rewritten bytes end strictly inside a segment whose length changed. */
        boolean insideChangedSegment(int received) {
            return changedSegments.stream().anyMatch(c -> c[0] < received && received < c[1]);
        }

        boolean done() {
            return sndUna == orig.length() && peer.length() == expected.length();
        }
    }

    private record Segment(Side side, int offset, int length) {
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void bothDirectionsStayConsistent(long seed) {
        Random r = new Random(seed);
        RecordingEvents clientEvents = new RecordingEvents();
        RecordingEvents serverEvents = new RecordingEvents();
        serverEvents.passive = e -> Optional.of(new Endpoint(PUBLIC, e.port()));
        serverEvents.extendedPassive = p -> OptionalInt.of(extendedPort(p));
        // Both initial sequence numbers sit just below 2^32: the streams wrap early.
        long clientIsn1 = 0xffff_ffffL - r.nextInt(5000);
        long serverIsn1 = 0xffff_ffffL - r.nextInt(5000);
        Side client = new Side("client", Role.CLIENT_TO_SERVER, clientIsn1, clientScript(r), clientEvents,
                Spec.of("10.0.0.11", 40000, "203.0.113.1", 21), PUBLIC, 61000, SERVER, 21);
        Side server = new Side("server", Role.SERVER_TO_CLIENT_REWRITE, serverIsn1, serverScript(r), serverEvents,
                Spec.of("10.0.0.12", 21, "203.0.113.1", 61000), PUBLIC, 21, CLIENT, 40000);
        assertTrue(client.orig.length() > 5000 && server.orig.length() > 5000, "thousands of bytes");

        long now = 0;
        Segment delayed = null;
        int steps = 0;
        while (!(client.done() && server.done())) {
            assertTrue(++steps < 200_000, "no progress: client " + client.sndUna + "/" + client.orig.length()
                    + ", server " + server.sndUna + "/" + server.orig.length());
            now++;
            for (Side s : new Side[] {client, server}) {
                Side other = s == client ? server : client;
                s.rewriter.releaseIfDue(now).ifPresent(h -> send(s, other, h.seq(), h.payload(), h.seq(), h.payload(), r));
            }
            Side s = r.nextBoolean() ? client : server;
            Side other = s == client ? server : client;
            Segment seg = nextSegment(s, r);
            if (seg == null) {
                pureAck(s, other, r, now);
                continue;
            }
            if (delayed == null && r.nextInt(20) == 0) {
                delayed = seg; // reordered before the controller: goes after the next one
                continue;
            }
            transmit(seg, s == seg.side() ? other : s, r, now);
            if (delayed != null) {
                Segment d = delayed;
                delayed = null;
                transmit(d, d.side() == client ? server : client, r, now);
            }
        }
        assertEquals(client.expected, client.peer.text());
        assertEquals(server.expected, server.peer.text());
        assertEquals(client.expectedCalls, clientEvents.calls.size(), "each PORT/EPRT asked once");
        assertEquals(server.expectedCalls, serverEvents.calls.size(), "each 227/229 asked once");
        assertEquals(0, client.rewriter.heldBytes());
        // The run went through the paths it is meant to exercise.
        for (Side side : new Side[] {client, server}) {
            assertTrue(Seq32.add(side.isn1, side.orig.length()) < side.isn1, "the sequence numbers wrapped");
            for (String kind : List.of("DATA+held", "ABSORBED+held", "RETRANSMISSION", "RETRANSMISSION+changed")) {
                assertTrue(side.kinds.getOrDefault(kind, 0) > 0, side.name + " saw " + kind + ": " + side.kinds);
            }
            assertTrue(side.kinds.getOrDefault("OUT_OF_ORDER", 0) + side.kinds.getOrDefault("OUT_OF_ORDER+held", 0) > 0,
                    side.name + " saw a gap: " + side.kinds);
        }
    }

    private static Segment nextSegment(Side s, Random r) {
        boolean canSendNew = s.sndNxt < s.limit();
        boolean outstanding = s.sndUna < s.sndNxt;
        if (outstanding && (!canSendNew || r.nextInt(8) == 0)) {
            // Retransmission from the first unacknowledged byte, sometimes from further on, re-cut at random;
            // it may take new bytes along (as a collapsed retransmission would).
            int from = r.nextInt(4) == 0 ? s.sndUna + r.nextInt(s.sndNxt - s.sndUna) : s.sndUna;
            int max = Math.max(s.sndNxt, Math.min(s.limit(), s.sndNxt + 40)) - from;
            int length = 1 + r.nextInt(Math.min(max, 400));
            s.sndNxt = Math.max(s.sndNxt, from + length);
            return new Segment(s, from, length);
        }
        if (!canSendNew) {
            return null;
        }
        int room = s.limit() - s.sndNxt;
        int length = 1 + r.nextInt(Math.min(room, r.nextInt(4) == 0 ? 12 : 600));
        Segment seg = new Segment(s, s.sndNxt, length);
        s.sndNxt += length;
        return seg;
    }

    private static void transmit(Segment seg, Side other, Random r, long now) {
        Side s = seg.side();
        byte[] payload = ascii(s.orig.substring(seg.offset(), seg.offset() + seg.length()));
        long seq = Seq32.add(s.isn1, seg.offset());
        SegmentOutcome o = s.rewriter.onSegment(seq, payload, now, s.events);
        s.kinds.merge(o.kind() + (o.heldBytes() > 0 ? "+held" : "")
                + (o.kind() == SegmentOutcome.Kind.RETRANSMISSION && o.lengthDiff() != 0 ? "+changed" : ""), 1,
                Integer::sum);
        if (!o.send()) {
            return;
        }
        s.adjust.recordChange(o.seq(), o.lengthDiff());
        if (o.kind() == SegmentOutcome.Kind.DATA && o.lengthDiff() != 0) {
            int rs = Seq32.diff(s.adjust.adjustSeq(o.seq()), s.isn1);
            s.changedSegments.add(new int[] {rs, rs + o.payload().length});
        }
        send(s, other, seq, payload, o.seq(), o.payload(), r);
    }

    /** A segment without data: only its acknowledgement matters. */
    private static void pureAck(Side s, Side other, Random r, long now) {
        long seq = Seq32.add(s.isn1, s.sndNxt);
        SegmentOutcome o = s.rewriter.onSegment(seq, new byte[0], now, s.events);
        assertEquals(SegmentOutcome.Kind.NO_DATA, o.kind());
        send(s, other, seq, new byte[0], o.seq(), o.payload(), r);
    }

    /**
     * The engine's frame (SeqAdjust for seq and ack, NAT), checked checksums, possible loss after the
     * controller, then the receiver and the acknowledgement reaching the other side's sender.
     */
    private static void send(Side s, Side other, long origSeq, byte[] origPayload, long outSeq, byte[] outPayload,
                             Random r) {
        long ackSent = other.peer.ack(); // what s has of the other's stream, in the numbering it sees
        byte[] frame = s.spec.seq(origSeq).ack(ackSent).flags(ACK | PSH).payload(origPayload).frame();
        byte[] out = TcpSegmentRewriter.rewrite(frame, Rewrite.from(frame)
                .source(s.natSrc, s.natSrcPort).destination(s.natDst, s.natDstPort)
                .seq(s.adjust.adjustSeq(outSeq)).ack(other.adjust.adjustAck(ackSent)).payload(outPayload)
                .build()).frame();
        assertTrue(TcpFrames.ipChecksumValid(out) && TcpFrames.tcpChecksumValid(out), "checksums");
        assertEquals(s.natSrc, TcpFrames.src(out));
        if (r.nextInt(20) == 0) {
            return; // lost after the controller
        }
        s.peer.accept(TcpFrames.seq(out), TcpFrames.payload(out));
        int acked = Seq32.diff(TcpFrames.ack(out), other.isn1);
        assertTrue(acked >= 0 && acked <= other.sndNxt, other.name + " acked " + acked + " of " + other.sndNxt);
        int received = other.peer.length();
        int expected = other.origOffsetOf(received);
        if (expected >= 0 && !other.insideChangedSegment(received)) {
            assertEquals(expected, acked, other.name + ": ack of " + received + " rewritten bytes");
        }
        other.sndUna = Math.max(other.sndUna, acked);
    }
}
