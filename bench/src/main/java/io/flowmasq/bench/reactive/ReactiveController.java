package io.flowmasq.bench.reactive;

import io.flowmasq.bench.Args;
import io.flowmasq.controller.openflow.NettyTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * The end-to-end baseline "trivial reactive exact-match controller" (OpenFlow 1.3, no NAT): a learning
 * switch that, for each TCP/UDP packet-in whose destination MAC it has learned, installs one exact-match
 * flow (in_port, MACs, addresses, protocol, ports) forwarding to that MAC's port and sends the packet on;
 * everything else is flooded by packet-out without a flow. What POX's l2_learning or Ryu's simple_switch
 * with a 5-tuple match do; written on the same Netty and Loxi as flowmasq so the comparison is of the
 * work per connection, not of the language.
 */
public final class ReactiveController extends ChannelInboundHandlerAdapter {
    private static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);
    static final int IDLE_TIMEOUT = 60;

    private final Map<MacAddress, OFPort> ports = new HashMap<>();
    private boolean unflushed;
    private long packetIns;
    private long flows;

    public static void main(String[] argv, int from) throws InterruptedException {
        Args a = new Args(argv, from, Set.of("port", "address"), Set.of());
        InetSocketAddress listen = new InetSocketAddress(a.get("address", "127.0.0.1"), a.getInt("port", 6653));
        NettyTransport transport = NettyTransport.best(); // the same transport as flowmasq's, for a fair baseline
        EventLoopGroup boss = transport.eventLoopGroup(1);
        EventLoopGroup workers = transport.eventLoopGroup(1);
        Channel server = new ServerBootstrap().group(boss, workers).channel(transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65535, 2, 2, -4, 0),
                                new ReactiveController());
                    }
                }).bind(listen).sync().channel();
        System.out.println("reactive controller listening on " + server.localAddress());
        server.closeFuture().sync();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        write(ctx, F.buildHello().setElements(List.of(F.helloElemVersionbitmap(
                List.of(org.projectfloodlight.openflow.types.U32.of(1 << 4))))).build());
        write(ctx, F.buildFeaturesRequest().build());
        write(ctx, F.buildSetConfig().setMissSendLen(0xffff).build());
        // table miss: everything to the controller, whole packets
        write(ctx, F.buildFlowAdd().setPriority(0).setMatch(F.matchWildcardAll())
                .setInstructions(List.of(F.instructions().applyActions(List.of(
                        F.actions().output(OFPort.CONTROLLER, 0xffff))))).build());
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            OFMessage m = OFFactories.getGenericReader().readFrom(buf);
            switch (m.getType()) {
                case ECHO_REQUEST -> write(ctx, F.buildEchoReply().setXid(m.getXid())
                        .setData(((OFEchoRequest) m).getData()).build());
                case PACKET_IN -> onPacketIn(ctx, (OFPacketIn) m);
                default -> { }
            }
        } catch (OFParseError e) {
            System.err.println("unparsable message: " + e);
        } finally {
            buf.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        System.out.println("switch gone after " + packetIns + " packet-ins, " + flows + " flows installed");
    }

    private void onPacketIn(ChannelHandlerContext ctx, OFPacketIn pi) {
        packetIns++;
        OFPort in = pi.getMatch().get(MatchField.IN_PORT);
        byte[] d = pi.getData();
        if (d.length < 14) {
            return;
        }
        MacAddress dst = MacAddress.of(java.util.Arrays.copyOfRange(d, 0, 6));
        MacAddress src = MacAddress.of(java.util.Arrays.copyOfRange(d, 6, 12));
        ports.put(src, in);
        OFPort out = dst.isBroadcast() || dst.isMulticast() ? null : ports.get(dst);
        if (out == null) {
            write(ctx, packetOut(pi, in, OFPort.FLOOD));
            return;
        }
        int ethType = ((d[12] & 0xff) << 8) | (d[13] & 0xff);
        if (ethType == 0x0800 && d.length >= 14 + 20 + 4) {
            int ihl = (d[14] & 0x0f) * 4;
            int proto = d[14 + 9] & 0xff;
            int l4 = 14 + ihl;
            if ((proto == 6 || proto == 17) && d.length >= l4 + 4) {
                write(ctx, flow(in, src, dst, d, proto, l4, out));
                flows++;
            }
        }
        write(ctx, packetOut(pi, in, out));
    }

    private static OFMessage flow(OFPort in, MacAddress src, MacAddress dst, byte[] d, int proto, int l4,
                                  OFPort out) {
        TransportPort sport = TransportPort.of(((d[l4] & 0xff) << 8) | (d[l4 + 1] & 0xff));
        TransportPort dport = TransportPort.of(((d[l4 + 2] & 0xff) << 8) | (d[l4 + 3] & 0xff));
        Match.Builder m = F.buildMatch()
                .setExact(MatchField.IN_PORT, in)
                .setExact(MatchField.ETH_SRC, src)
                .setExact(MatchField.ETH_DST, dst)
                .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IPV4_SRC, IPv4Address.of(java.util.Arrays.copyOfRange(d, 26, 30)))
                .setExact(MatchField.IPV4_DST, IPv4Address.of(java.util.Arrays.copyOfRange(d, 30, 34)));
        if (proto == 6) {
            m.setExact(MatchField.IP_PROTO, IpProtocol.TCP).setExact(MatchField.TCP_SRC, sport)
                    .setExact(MatchField.TCP_DST, dport);
        } else {
            m.setExact(MatchField.IP_PROTO, IpProtocol.UDP).setExact(MatchField.UDP_SRC, sport)
                    .setExact(MatchField.UDP_DST, dport);
        }
        List<OFAction> actions = List.of(F.actions().output(out, 0));
        return F.buildFlowAdd().setPriority(100).setIdleTimeout(IDLE_TIMEOUT).setCookie(U64.of(0xbe))
                .setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM)).setMatch(m.build())
                .setInstructions(List.of(F.instructions().applyActions(actions))).build();
    }

    private static OFMessage packetOut(OFPacketIn pi, OFPort in, OFPort out) {
        var b = F.buildPacketOut().setBufferId(pi.getBufferId()).setInPort(in)
                .setActions(List.of(F.actions().output(out, 0)));
        if (pi.getBufferId().equals(OFBufferId.NO_BUFFER)) {
            b.setData(pi.getData());
        }
        return b.build();
    }

    private void write(ChannelHandlerContext ctx, OFMessage m) {
        ByteBuf out = ctx.alloc().buffer();
        m.writeTo(out);
        ctx.write(out);
        unflushed = true;
    }
}
