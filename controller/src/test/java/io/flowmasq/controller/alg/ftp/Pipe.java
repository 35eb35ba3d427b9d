package io.flowmasq.controller.alg.ftp;

import static io.flowmasq.controller.alg.ftp.TcpFrames.ascii;

import io.flowmasq.controller.alg.ftp.FtpControlRewriter.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * One direction of a control connection as the engine would run it: the rewriter, then
 * {@link SeqAdjust#recordChange} and {@link SeqAdjust#adjustSeq}, then a {@link Receiver}.
 */
final class Pipe {
    final long isn1;
    final FtpControlRewriter rewriter;
    final SeqAdjust adjust = new SeqAdjust();
    final Receiver receiver;
    final FtpEvents events;
    final List<SegmentOutcome> outcomes = new ArrayList<>();
    long now;

    Pipe(Role role, long isn1, FtpEvents events) {
        this.isn1 = Seq32.norm(isn1);
        this.rewriter = new FtpControlRewriter(role, isn1);
        this.receiver = new Receiver(isn1);
        this.events = events;
    }

    /** Sends {@code data} at offset {@code offset} of the stream (original numbering). */
    SegmentOutcome sendAt(int offset, String data) {
        return send(Seq32.add(isn1, offset), ascii(data), false);
    }

    SegmentOutcome send(long seq, byte[] data, boolean fin) {
        SegmentOutcome o = rewriter.onSegment(seq, data, fin, now, events);
        outcomes.add(o);
        if (o.send()) {
            adjust.recordChange(o.seq(), o.lengthDiff());
            receiver.accept(adjust.adjustSeq(o.seq()), o.payload());
        }
        return o;
    }

    /** Sends {@code stream} from its start, cut at the given offsets. */
    void sendCut(String stream, int... cuts) {
        int from = 0;
        for (int cut : cuts) {
            sendAt(from, stream.substring(from, cut));
            from = cut;
        }
        sendAt(from, stream.substring(from));
    }

    void releaseIfDue() {
        rewriter.releaseIfDue(now).ifPresent(h -> receiver.accept(adjust.adjustSeq(h.seq()), h.payload()));
    }

    String received() {
        return receiver.text();
    }
}
