package io.flowmasq.rest;

import io.netty.util.NetUtil;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;

/** The optional {@code inside}, {@code proto} and {@code switch} filters of {@code GET /bindings}; null means any. */
record BindingFilter(String inside, String protocol, Long dpid) implements Predicate<BindingView> {
    static final Set<String> PARAMS = Set.of("inside", "proto", "switch");
    private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "icmp");

    static BindingFilter parse(ApiRequest request) {
        return new BindingFilter(
                request.param("inside").map(BindingFilter::ipv4).orElse(null),
                request.param("proto").map(BindingFilter::protocol).orElse(null),
                request.param("switch").map(BindingFilter::dpid).orElse(null));
    }

    @Override
    public boolean test(BindingView b) {
        return (inside == null || inside.equals(canonical(b.insideAddress())))
                && (protocol == null || protocol.equalsIgnoreCase(b.protocol()))
                && (dpid == null || b.dpid() != null && Dpids.parse(b.dpid()).equals(OptionalLong.of(dpid)));
    }

    private static String ipv4(String text) {
        // NetUtil parses literals only; InetAddress.getByName could block the event loop on DNS.
        if (!NetUtil.isValidIpV4Address(text)) {
            throw ApiException.badParameter("inside", "query parameter 'inside' must be an IPv4 address, got '"
                    + text + "'");
        }
        return canonical(text);
    }

    /** One spelling per address, so {@code 10.0.0.01} finds {@code 10.0.0.1}; null if not an IP literal. */
    private static String canonical(String address) {
        byte[] bytes = address == null ? null : NetUtil.createByteArrayFromIpAddressString(address);
        return bytes == null ? null : NetUtil.bytesToIpAddress(bytes);
    }

    private static String protocol(String text) {
        String p = text.toLowerCase(Locale.ROOT);
        if (!PROTOCOLS.contains(p)) {
            throw ApiException.badParameter("proto", "query parameter 'proto' must be one of tcp, udp, icmp, got '"
                    + text + "'");
        }
        return p;
    }

    private static Long dpid(String text) {
        OptionalLong dpid = Dpids.parse(text);
        if (dpid.isEmpty()) {
            throw ApiException.badParameter("switch", "query parameter 'switch' must be a datapath id"
                    + " (00:00:00:00:00:00:00:01, 0x1 or 1), got '" + text + "'");
        }
        return dpid.getAsLong();
    }
}
