package io.flowmasq.bench.jmh;

import io.flowmasq.bench.loadgen.BenchConfig;
import io.flowmasq.bench.loadgen.EmulatedSwitch;
import io.flowmasq.bench.loadgen.FirstPackets;
import io.flowmasq.bench.loadgen.FlowSource;
import io.flowmasq.controller.config.ConfigException;
import io.flowmasq.controller.config.ConfigLoader;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.nat.NatEngine;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.FlowCompiler;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

/** A NAT engine as the controller makes it for the load generator's switch 1, connected, next hop known. */
final class EngineFixture {
    static final long NOW = 1_000_000_000L;

    private EngineFixture() {
    }

    static SwitchConfig config(int publicAddresses) {
        try {
            return ConfigLoader.parse(BenchConfig.json(1, publicAddresses, "127.0.0.1", 0, 0)).switches().get(0);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    static NatEngine connected(OFFactory factory, SwitchConfig config) {
        NatEngine engine = new NatEngine(config, FlowCompiler.forFactory(factory), name -> { });
        engine.onConnect(NOW);
        byte[] arp = FirstPackets.arpReply(BenchConfig.NEXT_HOP_MAC, BenchConfig.NEXT_HOP, BenchConfig.outsideMac(0),
                BenchConfig.PUBLIC_ADDRESS);
        engine.onPacketIn(packetIn(factory, EmulatedSwitch.OUTSIDE_PORT, arp), NOW);
        return engine;
    }

    /** The first packets of {@code n} new flows as Loxi packet-ins from inside port 1. */
    static OFPacketIn[] newFlows(OFFactory factory, int n) {
        FlowSource flows = new FlowSource(4096, FlowSource.Mix.MIXED, BenchConfig.insideMac(0));
        OFPacketIn[] out = new OFPacketIn[n];
        for (int i = 0; i < n; i++) {
            out[i] = packetIn(factory, EmulatedSwitch.INSIDE_PORT, flows.frame(i, i));
        }
        return out;
    }

    static OFPacketIn packetIn(OFFactory factory, int port, byte[] frame) {
        OFPacketIn.Builder b = factory.buildPacketIn()
                .setBufferId(OFBufferId.NO_BUFFER)
                .setTotalLen(frame.length)
                .setReason(OFPacketInReason.ACTION)
                .setData(frame);
        if (factory.getVersion() == OFVersion.OF_10) {
            b.setInPort(OFPort.of(port));
        } else {
            b.setMatch(factory.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(port)).build())
                    .setTableId(TableId.of(0))
                    .setCookie(Cookies.PIPELINE);
        }
        return b.build();
    }

    static OFFactory factory(String version) {
        return OFFactories.getFactory(OFVersion.valueOf(version));
    }
}
