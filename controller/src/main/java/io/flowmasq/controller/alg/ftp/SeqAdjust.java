package io.flowmasq.controller.alg.ftp;

import static io.flowmasq.controller.alg.ftp.Seq32.add;
import static io.flowmasq.controller.alg.ftp.Seq32.after;
import static io.flowmasq.controller.alg.ftp.Seq32.norm;

/**
 * The sequence-number correction for one direction of a TCP connection whose payload the ALG
 * changed in length: Linux's {@code nf_ct_seqadj} (the seed's Init-seq / Delta / Previous-Delta).
 * One instance per direction of data; the same instance maps the <em>other</em> direction's
 * acknowledgements (and SACK blocks) of that data back.
 *
 * <ul>
 *   <li>{@code correctionPos}: the sequence number, in the sender's original numbering, of the
 *       segment whose rewrite last changed the length;</li>
 *   <li>{@code offsetBefore}: what is added to segments starting at or before it;</li>
 *   <li>{@code offsetAfter}: what is added to segments starting after it.</li>
 * </ul>
 *
 * <p>Granularity is the segment: a segment starting after {@code correctionPos} gets
 * {@code offsetAfter}, the changed segment itself (and a retransmission of it) {@code offsetBefore}.
 * Only the last change is remembered exactly: a retransmission of data from before an
 * <em>earlier</em> change is shifted by {@code offsetBefore} of the later one, as in Linux. In FTP
 * the next PORT is sent after the reply to the previous one, so everything before the earlier
 * change has been acknowledged by then.
 *
 * <p>All values are sequence numbers modulo 2^32, compared as in RFC 1982 ({@link Seq32}).
 */
public final class SeqAdjust {
    private boolean changed;
    private long correctionPos;
    private int offsetBefore;
    private int offsetAfter;

    /**
     * Records that the segment starting at {@code segmentSeq} (original numbering, the seq the
     * rewriter reported) was sent {@code lengthDiff} bytes longer (negative: shorter) than it came.
     * Ignored when the difference is 0 or when the segment does not start after the last change:
     * a re-rewritten retransmission of the changed segment (same seq) is not counted twice.
     */
    public void recordChange(long segmentSeq, int lengthDiff) {
        long seq = norm(segmentSeq);
        if (lengthDiff == 0 || (changed && !after(seq, correctionPos))) {
            return;
        }
        offsetBefore = offsetAfter;
        correctionPos = seq;
        offsetAfter += lengthDiff;
        changed = true;
    }

    /** The sequence number to send for a segment of this direction starting at {@code seq}. */
    public long adjustSeq(long seq) {
        long s = norm(seq);
        return add(s, after(s, correctionPos) ? offsetAfter : offsetBefore);
    }

    /**
     * Maps an acknowledgement number sent by the other side (in the rewritten numbering of this
     * direction's data) back to the original numbering. The threshold is the changed segment's
     * start in the rewritten numbering ({@code correctionPos + offsetBefore}), as in Linux: an ack
     * up to it acknowledges data before the change, an ack past it data after the change. (Comparing
     * {@code ack - offsetAfter} instead would map the ack of everything before a segment that was
     * shortened into the middle of that segment.)
     */
    public long adjustAck(long ack) {
        long a = norm(ack);
        return add(a, after(add(a, -offsetBefore), correctionPos) ? -offsetAfter : -offsetBefore);
    }

    /** A SACK block edge (RFC 2018) sent by the other side: mapped like an acknowledgement. */
    public long adjustSackEdge(long edge) {
        return adjustAck(edge);
    }

    /** Whether any length change was recorded. */
    public boolean hasChange() {
        return changed;
    }

    public long correctionPos() {
        return correctionPos;
    }

    public int offsetBefore() {
        return offsetBefore;
    }

    public int offsetAfter() {
        return offsetAfter;
    }

    @Override
    public String toString() {
        return changed ? "SeqAdjust[pos=" + correctionPos + ", before=" + offsetBefore + ", after=" + offsetAfter + "]"
                : "SeqAdjust[none]";
    }
}
