package io.flowmasq.bench.jmh;

import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.nat.NatEngine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;

/**
 * The controller's hot path for a new flow on one thread, per packet-in: {@code engine} from the decoded
 * packet-in to the messages (frame parse, binding lookup, port allocation, binding table, flow compiler);
 * {@code wire} from the packet-in's bytes to the answer's bytes (Loxi decode and encode around it). Each
 * invocation runs {@link #BATCH} distinct new flows through a fresh engine, so every packet-in makes a
 * new binding and the table grows from empty to {@link #BATCH}, as after a controller start.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(PacketInBenchmark.BATCH)
public class PacketInBenchmark {
    static final int BATCH = 32768;

    @Param({"OF_13", "OF_10"})
    public String version;

    private OFFactory factory;
    private SwitchConfig config;
    private OFPacketIn[] packetIns;
    private ByteBuf[] wire;
    private ByteBuf out;
    private NatEngine engine;

    @Setup(Level.Trial)
    public void trial() {
        factory = EngineFixture.factory(version);
        config = EngineFixture.config(1);
        packetIns = EngineFixture.newFlows(factory, BATCH);
        wire = new ByteBuf[BATCH];
        for (int i = 0; i < BATCH; i++) {
            wire[i] = Unpooled.buffer(128);
            packetIns[i].writeTo(wire[i]);
        }
        out = Unpooled.buffer(4096);
    }

    @Setup(Level.Invocation)
    public void freshEngine() {
        engine = EngineFixture.connected(factory, config);
        for (ByteBuf b : wire) {
            b.readerIndex(0);
        }
    }

    @Benchmark
    public void engine(Blackhole bh) {
        NatEngine e = engine;
        for (OFPacketIn pi : packetIns) {
            bh.consume(e.onPacketIn(pi, EngineFixture.NOW));
        }
    }

    @Benchmark
    public void wire(Blackhole bh) throws OFParseError {
        NatEngine e = engine;
        var reader = OFFactories.getGenericReader();
        for (ByteBuf in : wire) {
            OFPacketIn pi = (OFPacketIn) reader.readFrom(in);
            List<OFMessage> answer = e.onPacketIn(pi, EngineFixture.NOW);
            out.clear();
            for (OFMessage m : answer) {
                m.writeTo(out);
            }
            bh.consume(out.writerIndex());
        }
    }
}
