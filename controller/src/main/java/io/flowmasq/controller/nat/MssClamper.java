package io.flowmasq.controller.nat;

import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.controller.packet.TcpMssClamp;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.TcpFlags;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;
import org.projectfloodlight.openflow.protocol.OFMessage;

/**
 * MSS clamping ({@code mssClamp}) of the TCP SYNs the controller forwards from inside: the first
 * SYN of each binding, and the first packet of a hairpin. Later SYNs of a binding, and every
 * SYN-ACK, are switched by the flows and pass unclamped (OpenFlow cannot rewrite TCP options).
 */
final class MssClamper {
    private final OptionalInt clamp;
    private final FlowCompiler compiler;
    private final CounterSink counters;

    MssClamper(OptionalInt clamp, FlowCompiler compiler, CounterSink counters) {
        this.clamp = clamp;
        this.compiler = compiler;
        this.counters = counters;
    }

    /**
     * The messages that send {@code ref} on with {@code send}, its MSS clamped first when it is a SYN.
     * A switch buffer holds the original bytes, which the controller cannot change: a clamped packet
     * goes out as data (no buffer) and the buffer is released.
     */
    List<OFMessage> forward(PacketRef ref, Ipv4Packet ip, Function<PacketRef, OFMessage> send) {
        if (clamp.isEmpty() || ip.protocol() != Ipv4Packet.PROTO_TCP || (ip.tcpFlags() & TcpFlags.SYN) == 0) {
            return List.of(send.apply(ref));
        }
        TcpMssClamp.Result result = TcpMssClamp.clamp(ref.data(), clamp.getAsInt());
        switch (result.outcome()) {
            case CLAMPED -> counters.increment("nat.tcp.mss_clamped");
            case MALFORMED -> counters.increment("nat.tcp.mss_options_malformed");
            case UNCHANGED -> { }
        }
        if (result.outcome() != TcpMssClamp.Outcome.CLAMPED) {
            return List.of(send.apply(ref));
        }
        List<OFMessage> out = new ArrayList<>(2);
        out.add(send.apply(PacketRef.unbuffered(ref.inPort(), result.frame())));
        OFMessage release = compiler.releaseBuffer(ref);
        if (release != null) {
            out.add(release);
        }
        return out;
    }
}
