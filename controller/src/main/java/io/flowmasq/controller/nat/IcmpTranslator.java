package io.flowmasq.controller.nat;

import static io.flowmasq.controller.packet.Checksums.read16;
import static io.flowmasq.controller.packet.Checksums.write16;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.packet.Checksums;
import io.flowmasq.controller.packet.IcmpFrames;
import io.flowmasq.controller.packet.Ipv4Frame;
import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import java.util.List;
import java.util.function.Predicate;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * ICMP through the NAT (RFC 5508), translated on the controller because OpenFlow cannot rewrite
 * echo identifiers or the datagram quoted in an error: echo queries both ways, errors about
 * translated TCP/UDP/ICMP traffic both ways, the gateway's own echo replies and time-exceeded.
 * Errors that match no binding are dropped and counted: no forged error reaches inside.
 */
final class IcmpTranslator {
    /** Whether an address is one the controller translates for (the rule chain's, which changes). */
    private final Predicate<IPv4Address> isPublic;
    private final SwitchConfig config;
    private final FlowCompiler compiler;
    private final BindingTable bindings;
    private final IcmpQueryTable queries;
    private final CounterSink counters;
    private final RateLimiter<IPv4Address> perHost;

    IcmpTranslator(SwitchConfig config, FlowCompiler compiler, BindingTable bindings, IcmpQueryTable queries,
                   CounterSink counters, RateLimiter<IPv4Address> perHost, Predicate<IPv4Address> isPublic) {
        this.isPublic = isPublic;
        this.config = config;
        this.compiler = compiler;
        this.bindings = bindings;
        this.queries = queries;
        this.counters = counters;
        this.perHost = perHost;
    }

    static boolean isError(int type) {
        return type == IcmpFrames.DEST_UNREACHABLE || type == IcmpFrames.TIME_EXCEEDED
                || type == IcmpFrames.PARAMETER_PROBLEM;
    }

    /** Time exceeded from the inside gateway to the sender of a packet whose TTL ran out here. */
    List<OFMessage> timeExceeded(PacketRef ref, Ipv4Packet ip, InsideConfig inside, long now) {
        if (ip.protocol() == Ipv4Packet.PROTO_ICMP && isError(icmpType(ref.data()))) {
            return List.of(); // never an error about an error (RFC 1812 4.3.2.7)
        }
        if (!perHost.tryAcquire(ip.src(), now)) {
            counters.increment("nat.icmp.rate_limited");
            return List.of();
        }
        counters.increment("nat.icmp.time_exceeded_sent");
        return List.of(compiler.sendFrame(ref.inPort(),
                IcmpFrames.timeExceeded(ref.data(), inside.mac(), inside.gateway())));
    }

    List<OFMessage> fromInside(PacketRef ref, Ipv4Packet ip, InsideConfig inside, Optional<MacAddress> nextHop,
                               long now) {
        Ipv4Frame f = Ipv4Frame.copyOf(ref.data());
        int type = icmpType(f.bytes());
        if (ip.dst().equals(inside.gateway()) || isPublic.test(ip.dst())) {
            if (type != IcmpFrames.ECHO_REQUEST) {
                return ignored("to_gateway");
            }
            counters.increment("nat.icmp.echo_answered");
            return List.of(compiler.sendFrame(ref.inPort(), IcmpFrames.echoReply(ref.data(), inside.mac())));
        }
        if (!perHost.tryAcquire(ip.src(), now)) {
            counters.increment("nat.icmp.rate_limited");
            return List.of();
        }
        if (nextHop.isEmpty()) {
            return ignored("no_next_hop");
        }
        L2Hop toInside = new L2Hop(ref.inPort(), inside.mac(), ip.ethSrc());
        if (type == IcmpFrames.ECHO_REQUEST) {
            return echoOut(f, toInside, nextHop.get(), now);
        }
        if (isError(type)) {
            return errorOut(f, nextHop.get());
        }
        return ignored("type");
    }

    List<OFMessage> fromOutside(PacketRef ref, Ipv4Packet ip, long now) {
        if (!isPublic.test(ip.dst()) || ip.ttl() <= 1) {
            return ignored("outside");
        }
        Ipv4Frame f = Ipv4Frame.copyOf(ref.data());
        int type = icmpType(f.bytes());
        if (type == IcmpFrames.ECHO_REQUEST) {
            if (!perHost.tryAcquire(ip.src(), now)) {
                counters.increment("nat.icmp.rate_limited");
                return List.of();
            }
            counters.increment("nat.icmp.echo_answered");
            return List.of(compiler.sendFrame(ref.inPort(),
                    IcmpFrames.echoReply(ref.data(), config.outside().mac())));
        }
        if (type == IcmpFrames.ECHO_REPLY) {
            return echoIn(f, ip);
        }
        if (isError(type)) {
            return errorIn(f, ip);
        }
        return ignored("type");
    }

    /** Releases query mappings idle for the ICMP timeout. */
    void expire(long now) {
        int n = queries.expire(now, config.timers().icmp() * 1000L).size();
        for (int i = 0; i < n; i++) {
            counters.increment("nat.icmp.mapping_expired");
        }
    }

    private List<OFMessage> echoOut(Ipv4Frame f, L2Hop toInside, MacAddress nextHop, long now) {
        byte[] b = f.bytes();
        int l4 = f.l4();
        Optional<IcmpQueryTable.Mapping> m = queries.outbound(f.src(), read16(b, l4 + 4), toInside, now);
        if (m.isEmpty()) {
            return ignored("allocation_failed");
        }
        setId(b, l4, m.get().externalId());
        f.src(m.get().external()).decrementTtl().ethernet(config.outside().mac(), nextHop);
        counters.increment("nat.icmp.echo_out");
        return List.of(compiler.sendFrame(config.outside().port(), f.finish()));
    }

    private List<OFMessage> echoIn(Ipv4Frame f, Ipv4Packet ip) {
        byte[] b = f.bytes();
        int l4 = f.l4();
        Optional<IcmpQueryTable.Mapping> m = queries.byExternal(ip.dst(), read16(b, l4 + 4));
        if (m.isEmpty()) {
            return ignored("no_mapping");
        }
        setId(b, l4, m.get().insideId());
        return toInside(f, m.get().inside(), m.get().toInside(), "nat.icmp.echo_in");
    }

    /** An error from outside about a packet the NAT sent out: the quote's source is ours. */
    private List<OFMessage> errorIn(Ipv4Frame f, Ipv4Packet ip) {
        Optional<IcmpErrorRewriter.Quote> quote = IcmpErrorRewriter.read(f);
        if (quote.isEmpty() || !quote.get().src().equals(ip.dst())) {
            return ignored("error_malformed");
        }
        IcmpErrorRewriter.Quote q = quote.get();
        if (q.protocol() == Ipv4Packet.PROTO_ICMP) {
            Optional<IcmpQueryTable.Mapping> m = queries.byExternal(q.src(), q.srcPort());
            if (m.isEmpty()) {
                return ignored("error_no_binding");
            }
            IcmpErrorRewriter.rewriteSource(f, m.get().inside(), m.get().insideId());
            return finishErrorIn(f, m.get().inside(), m.get().toInside());
        }
        Optional<Binding> b = Protocol.of(q.protocol())
                .flatMap(p -> bindings.forInbound(p, new Endpoint(q.src(), q.srcPort()),
                        new Endpoint(q.dst(), q.dstPort()))); // only about a session the filter lets in
        if (b.isEmpty()) {
            return ignored("error_no_binding");
        }
        Endpoint inside = b.get().inside();
        IcmpErrorRewriter.rewriteSource(f, inside.address(), inside.port());
        return finishErrorIn(f, inside.address(), b.get().spec().toInside());
    }

    private List<OFMessage> finishErrorIn(Ipv4Frame f, IPv4Address inside, L2Hop hop) {
        IcmpErrorRewriter.finishIcmp(f);
        return toInside(f, inside, hop, "nat.icmp.error_in");
    }

    /** An error from an inside host about a packet the NAT delivered to it: the quote's destination is it. */
    private List<OFMessage> errorOut(Ipv4Frame f, MacAddress nextHop) {
        Optional<IcmpErrorRewriter.Quote> quote = IcmpErrorRewriter.read(f);
        if (quote.isEmpty() || !quote.get().dst().equals(f.src())) {
            return ignored("error_malformed");
        }
        IcmpErrorRewriter.Quote q = quote.get();
        Optional<Binding> b = Protocol.of(q.protocol())
                .flatMap(p -> bindings.forOutbound(p, new Endpoint(q.dst(), q.dstPort()),
                        new Endpoint(q.src(), q.srcPort())));
        if (b.isEmpty()) {
            return ignored("error_no_binding");
        }
        Endpoint external = b.get().external();
        IcmpErrorRewriter.rewriteDestination(f, external.address(), external.port());
        IcmpErrorRewriter.finishIcmp(f);
        f.src(external.address()).decrementTtl().ethernet(config.outside().mac(), nextHop);
        counters.increment("nat.icmp.error_out");
        return List.of(compiler.sendFrame(config.outside().port(), f.finish()));
    }

    private List<OFMessage> toInside(Ipv4Frame f, IPv4Address inside, L2Hop hop, String counter) {
        f.dst(inside).decrementTtl().ethernet(hop.source(), hop.destination());
        counters.increment(counter);
        return List.of(compiler.sendFrame(hop.port(), f.finish()));
    }

    private static void setId(byte[] b, int l4, int id) {
        int old = read16(b, l4 + 4);
        write16(b, l4 + 4, id);
        Checksums.adjustTransport(b, l4, Ipv4Packet.PROTO_ICMP, IPv4Address.NONE, IPv4Address.NONE, old, id);
    }

    private static int icmpType(byte[] frame) {
        int l4 = Ipv4Frame.IP + (frame[Ipv4Frame.IP] & 0x0f) * 4;
        return l4 < frame.length ? frame[l4] & 0xff : -1;
    }

    private List<OFMessage> ignored(String why) {
        counters.increment("nat.icmp.dropped." + why);
        return List.of();
    }
}
