package io.flowmasq.controller.alg.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Sequence and acknowledgement correction after length-changing rewrites, modulo 2^32. */
class SeqAdjustTest {
    @Test
    void noChangeIsIdentity() {
        SeqAdjust a = new SeqAdjust();
        assertFalse(a.hasChange());
        for (long v : new long[] {0, 1, 0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL}) {
            assertEquals(v, a.adjustSeq(v));
            assertEquals(v, a.adjustAck(v));
        }
        a.recordChange(1000, 0);
        assertFalse(a.hasChange());
    }

    @Test
    void growingRewrite() {
        // "PORT 10,0,0,11,195,80\r\n" (23 bytes) at 1000 became "PORT 203,0,113,1,195,80\r\n" (25 bytes).
        SeqAdjust a = new SeqAdjust();
        a.recordChange(1000, 2);
        assertEquals(1000, a.correctionPos());
        assertEquals(0, a.offsetBefore());
        assertEquals(2, a.offsetAfter());
        assertEquals(900, a.adjustSeq(900));
        assertEquals(1000, a.adjustSeq(1000)); // the changed segment itself
        assertEquals(1025, a.adjustSeq(1023)); // the next one
        // Acks from the receiver, in rewritten numbering.
        assertEquals(1000, a.adjustAck(1000)); // everything before the PORT segment
        assertEquals(1023, a.adjustAck(1025)); // the PORT segment
        assertEquals(5023, a.adjustAck(5025));
        assertEquals(900, a.adjustAck(900));
    }

    @Test
    void shrinkingRewriteMapsTheAckBeforeTheSegmentToItsStart() {
        // "PORT 192,168,100,200,195,80\r\n" (29) became "PORT 1,2,3,4,195,80\r\n" (21): -8.
        SeqAdjust a = new SeqAdjust();
        a.recordChange(1000, -8);
        assertEquals(1021, a.adjustSeq(1029));
        assertEquals(1000, a.adjustSeq(1000));
        assertEquals(1000, a.adjustAck(1000)); // not 1008: that would ack part of the PORT line
        assertEquals(1029, a.adjustAck(1021));
        assertEquals(999, a.adjustAck(999));
    }

    @Test
    void successiveChangesAccumulate() {
        SeqAdjust a = new SeqAdjust();
        a.recordChange(1000, 2);
        a.recordChange(2000, 3);
        assertEquals(2000, a.correctionPos());
        assertEquals(2, a.offsetBefore());
        assertEquals(5, a.offsetAfter());
        assertEquals(1502, a.adjustSeq(1500));
        assertEquals(2002, a.adjustSeq(2000));
        assertEquals(3005, a.adjustSeq(3000));
        assertEquals(2000, a.adjustAck(2002));
        assertEquals(3000, a.adjustAck(3005));
        a.recordChange(3000, -6);
        assertEquals(3000 + 5, a.adjustSeq(3000));
        assertEquals(4000 - 1, a.adjustSeq(4000));
        assertEquals(4000, a.adjustAck(3999));
    }

    @Test
    void retransmissionOfTheChangedSegmentIsNotCountedTwice() {
        SeqAdjust a = new SeqAdjust();
        a.recordChange(1000, 2);
        a.recordChange(1000, 2); // the retransmitted PORT segment, re-rewritten
        a.recordChange(900, 2); // an older segment resent with the same rewrite
        assertEquals(2, a.offsetAfter());
        assertEquals(0, a.offsetBefore());
        assertEquals(1000, a.correctionPos());
        assertEquals(1000, a.adjustSeq(1000));
        assertEquals(1025, a.adjustSeq(1023));
    }

    @Test
    void retransmissionStraddlingTheChange() {
        SeqAdjust a = new SeqAdjust();
        a.recordChange(1000, 2);
        // A resent segment starting before the change covers it: it is sent at the old offset.
        assertEquals(980, a.adjustSeq(980));
        // One starting inside the changed segment is after it.
        assertEquals(1012, a.adjustSeq(1010));
    }

    @Test
    void wrapsAround() {
        long pos = 0xffff_fff0L;
        SeqAdjust a = new SeqAdjust();
        a.recordChange(pos, 3);
        assertEquals(pos, a.adjustSeq(pos));
        assertEquals(0xffff_fff5L, a.adjustSeq(0xffff_fff2L));
        assertEquals(0x0000_0002L, a.adjustSeq(0xffff_ffffL));
        assertEquals(0x0000_0013L, a.adjustSeq(0x0000_0010L));
        assertEquals(0xffff_ffe0L, a.adjustSeq(0xffff_ffe0L));
        assertEquals(0x0000_0010L, a.adjustAck(0x0000_0013L));
        assertEquals(0xffff_ffffL, a.adjustAck(0x0000_0002L));
        assertEquals(pos, a.adjustAck(pos));
        a.recordChange(0x0000_0100L, -5); // after pos across the wrap
        assertEquals(0x0000_0100L, a.correctionPos());
        assertEquals(3, a.offsetBefore());
        assertEquals(-2, a.offsetAfter());
        assertEquals(0x0000_0103L, a.adjustSeq(0x0000_0100L));
        assertEquals(0x0000_01feL, a.adjustSeq(0x0000_0200L));
        assertEquals(0x0000_0200L, a.adjustAck(0x0000_01feL));
        assertEquals(0x0000_0100L, a.adjustAck(0x0000_0103L));
        a.recordChange(0xffff_fff0L, 7); // before the current position (modulo 2^32): ignored
        assertEquals(-2, a.offsetAfter());
    }

    @Test
    void negativeOffsetWrapsBackAcrossZero() {
        // A 40-byte segment at 2^32 - 16 was sent 20 bytes shorter: the next one, at 24, goes out at 4.
        SeqAdjust a = new SeqAdjust();
        a.recordChange(0xffff_fff0L, -20);
        assertEquals(4, a.adjustSeq(24));
        assertEquals(0xffff_fff0L, a.adjustSeq(0xffff_fff0L));
        assertEquals(24, a.adjustAck(4));
        assertEquals(0xffff_fff0L, a.adjustAck(0xffff_fff0L));
        assertTrue(a.hasChange());
    }

    @Test
    void sackEdgesMapLikeAcks() {
        SeqAdjust a = new SeqAdjust();
        a.recordChange(1000, 2);
        assertEquals(1000, a.adjustSackEdge(1000));
        assertEquals(1023, a.adjustSackEdge(1025));
        assertEquals(2000, a.adjustSackEdge(2002));
        assertEquals(500, a.adjustSackEdge(500));
    }

    @Test
    void everySeqRoundTripsThroughItsAck() {
        // For segment boundaries outside the changed segment, ack(seq(x)) == x, across the wrap.
        for (long pos : new long[] {1000, 0xffff_ff00L, 0x7fff_fff0L}) {
            for (int d : new int[] {-8, -1, 1, 2, 9}) {
                SeqAdjust a = new SeqAdjust();
                a.recordChange(pos, d);
                int len = 29;
                for (long x = pos - 600; x < pos + 600; x++) {
                    long s = Seq32.norm(x);
                    boolean inside = Seq32.after(s, pos) && Seq32.before(s, Seq32.add(pos, len));
                    if (!inside) {
                        long mapped = Seq32.after(s, pos) ? Seq32.add(s, d) : s; // the byte position
                        assertEquals(s, a.adjustAck(mapped), "pos " + pos + " d " + d + " x " + s);
                    }
                }
            }
        }
    }
}
