package io.flowmasq.controller.alg.ftp;

/**
 * What to do with one control-connection segment ({@link FtpControlRewriter#onSegment}).
 *
 * <p>When {@link #send()} is true the engine sends one segment carrying {@link #payload()}, its
 * headers from the received segment, FIN set as {@link #fin()} says (the other flags kept). Then,
 * per direction: first
 * {@code seqAdjust.recordChange(seq(), lengthDiff())}, then the segment's sequence number is
 * {@code seqAdjust.adjustSeq(seq())} and its acknowledgement (and SACK edges) go through the other
 * direction's {@link SeqAdjust#adjustAck}. When {@code send()} is false nothing is sent (the bytes
 * are held, absorbed, or must come again in order); the segment's acknowledgement is not lost for
 * good, every later segment carries a newer one.
 *
 * @param kind        what the segment was
 * @param send        whether anything is to be sent
 * @param seq         sequence number of {@code payload[0]} in the sender's original numbering (the
 *                    held bytes' start when they were merged in front)
 * @param payload     the bytes to send (empty for a segment without data)
 * @param fin         whether the sent segment carries FIN: the received one did and the payload
 *                    reaches its end (a segment cut short must not)
 * @param lengthDiff  {@code payload.length} minus the original bytes it stands for
 * @param rewritten   lines rewritten (the engine returned an endpoint)
 * @param refused     lines left alone because the engine returned empty (e.g. bounce)
 * @param malformed   candidate lines (PORT/EPRT/227/229 at a line start) that did not parse
 * @param overlong    candidate lines longer than {@link FtpLineBuffer#MAX_LINE}, passed untouched
 * @param learned     passive replies reported ({@code SERVER_TO_CLIENT_LEARN})
 * @param heldBytes   bytes held after this segment
 */
public record SegmentOutcome(Kind kind, boolean send, long seq, byte[] payload, boolean fin, int lengthDiff, int rewritten,
                             int refused, int malformed, int overlong, int learned, int heldBytes) {
    public enum Kind {
        /** No payload: pass the segment (ACK, FIN, RST) on with the sequence adjustment. */
        NO_DATA,
        /** New data, processed in order (possibly merged behind held bytes, possibly all held). */
        DATA,
        /** Already forwarded data, sent again exactly as the first time. */
        RETRANSMISSION,
        /** A retransmission of held bytes only: nothing to send. */
        ABSORBED,
        /** Data beyond a gap in the stream: dropped; TCP retransmits it once the gap is filled. */
        OUT_OF_ORDER
    }
}
