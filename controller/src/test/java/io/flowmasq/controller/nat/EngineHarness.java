package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.config.OutsideConfig;
import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.controller.packet.MalformedPacketException;
import io.flowmasq.controller.packet.PacketParser;
import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import io.flowmasq.flowcompiler.sim.SimPacket;
import io.flowmasq.flowcompiler.sim.SimResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * Drives a {@link NatEngine} the way a switch would: packet-ins in, messages out, and the flow-mods
 * applied to a simulated flow table. Time is a field the test moves.
 */
final class EngineHarness {
    /** Seeds the engine's port choices: the same ports on every run. */
    static final long PORT_SEED = 20261125L;
    static final MacAddress GW_IN = MacAddress.of("02:f1:00:00:00:01");
    static final MacAddress GW_OUT = MacAddress.of("02:f1:00:00:00:02");
    static final MacAddress H1 = MacAddress.of("00:00:00:00:00:11");
    static final MacAddress H2 = MacAddress.of("00:00:00:00:00:12");
    static final MacAddress ROUTER = MacAddress.of("00:00:00:00:00:aa");
    static final OFPort P1 = OFPort.of(1);
    static final OFPort P2 = OFPort.of(2);
    static final OFPort OUT = OFPort.of(3);

    final OFFactory factory;
    final NatEngine engine;
    final FlowTableSimulator table = new FlowTableSimulator();
    final Map<String, Long> counters = new TreeMap<>();
    long now = 1_000_000;

    EngineHarness(OFVersion version) {
        this(version, PortRange.DEFAULT, new TimerConfig("rfc", 7440, 240, 300, 60));
    }

    EngineHarness(OFVersion version, PortRange range, TimerConfig timers) {
        this(version, config(range, timers, OptionalInt.empty()));
    }

    EngineHarness(OFVersion version, SwitchConfig config) {
        factory = OFFactories.getFactory(version);
        engine = new NatEngine(config, FlowCompiler.forFactory(factory), name -> counters.merge(name, 1L, Long::sum),
                new BindingIds(), BindingListener.NONE, new SplittableRandom(PORT_SEED));
    }

    /** An engine that draws its ids from {@code ids} (shared with other engines) and tells {@code listener}. */
    EngineHarness(OFVersion version, SwitchConfig config, BindingIds ids, BindingListener listener) {
        factory = OFFactories.getFactory(version);
        engine = new NatEngine(config, FlowCompiler.forFactory(factory), name -> counters.merge(name, 1L, Long::sum),
                ids, listener, new SplittableRandom(PORT_SEED));
    }

    static SwitchConfig config(PortRange range, TimerConfig timers) {
        return config(range, timers, OptionalInt.empty());
    }

    /** The test switch; {@code mssClamp} empty: no clamping. The outside MTU is 1500. */
    static SwitchConfig config(PortRange range, TimerConfig timers, OptionalInt mssClamp) {
        return new SwitchConfig(DatapathId.of(1), "s1",
                List.of(new InsideConfig(List.of(P1, P2), IPv4Address.of("10.0.0.1"), 24, GW_IN)),
                new OutsideConfig(OUT, IPv4Address.of("203.0.113.1"), 24, List.of(IPv4Address.of("203.0.113.1")),
                        GW_OUT, IPv4Address.of("203.0.113.10"), OutsideConfig.DEFAULT_MTU),
                range, timers, mssClamp);
    }

    /** Connects and lets the router answer the gateway's ARP request. */
    EngineHarness connected() {
        apply(engine.onConnect(now));
        routerAnswersArp();
        return this;
    }

    /** The next-hop router answers the gateway's ARP request (as it does on every refresh). */
    void routerAnswersArp() {
        packetIn(OUT, Frames.arp(2, GW_OUT, ROUTER, "203.0.113.10", GW_OUT, "203.0.113.1"));
    }

    List<OFMessage> packetIn(OFPort port, byte[] frame) {
        List<OFMessage> out = engine.onPacketIn(buildPacketIn(port, frame, OFBufferId.NO_BUFFER), now);
        apply(out);
        return out;
    }

    OFPacketIn buildPacketIn(OFPort port, byte[] frame, OFBufferId buffer) {
        return buildPacketIn(port, frame, buffer, U64.ZERO);
    }

    /** A packet-in as a flow with {@code cookie} sends it (OF1.0 packet-ins carry no cookie). */
    OFPacketIn buildPacketIn(OFPort port, byte[] frame, OFBufferId buffer, U64 cookie) {
        OFPacketIn.Builder b = factory.buildPacketIn()
                .setBufferId(buffer)
                .setTotalLen(frame.length)
                .setReason(cookie.equals(U64.ZERO) ? OFPacketInReason.NO_MATCH : OFPacketInReason.ACTION)
                .setData(frame);
        if (factory.getVersion() == OFVersion.OF_10) {
            b.setInPort(port);
        } else {
            b.setMatch(factory.buildMatch().setExact(MatchField.IN_PORT, port).build())
                    .setTableId(TableId.ZERO).setCookie(cookie);
        }
        return b.build();
    }

    /** What the switch did with a frame, and what the engine answered to the packet-in it caused (if any). */
    record Switched(SimResult result, List<OFMessage> messages) {
    }

    /**
     * A frame arrives on a switch port: the simulated table decides; a copy sent to the controller
     * becomes a packet-in carrying the matching flow's cookie, and the engine's answer is applied.
     */
    Switched switchReceives(OFPort port, byte[] frame) {
        SimResult r = table.process(simPacket(port, frame));
        List<OFMessage> out = List.of();
        if (r.toController()) {
            out = engine.onPacketIn(buildPacketIn(port, frame, OFBufferId.NO_BUFFER, U64.of(r.cookie())), now);
            apply(out);
        }
        return new Switched(r, out);
    }

    /** The header fields of an IPv4 frame as the flow table sees them. */
    static SimPacket simPacket(OFPort port, byte[] frame) {
        try {
            Ipv4Packet ip = (Ipv4Packet) PacketParser.parse(frame);
            return new SimPacket(port, ip.ethSrc(), ip.ethDst(), EthType.IPv4, IpProtocol.of((short) ip.protocol()),
                    ip.src(), ip.dst(), ip.srcPort(), ip.dstPort(), null, ip.ttl(), ip.tcpFlags());
        } catch (MalformedPacketException e) {
            throw new AssertionError(e);
        }
    }

    /** The switch expires the outbound flow of a binding (idle timeout) and reports it. */
    List<OFMessage> expire(long cookie) {
        List<FlowTableSimulator.Entry> gone = table.expire(cookie);
        List<OFMessage> out = new ArrayList<>();
        for (FlowTableSimulator.Entry e : gone) {
            if (e.idleTimeout() > 0) {
                out.addAll(engine.onFlowRemoved(factory.buildFlowRemoved()
                        .setCookie(U64.of(e.cookie())).setPriority(e.priority()).setMatch(e.match())
                        .setReason(OFFlowRemovedReason.IDLE_TIMEOUT).setIdleTimeout(e.idleTimeout())
                        .build(), now));
            }
        }
        apply(out);
        return out;
    }

    void apply(List<OFMessage> messages) {
        table.applyAll(messages);
    }

    long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }
}
