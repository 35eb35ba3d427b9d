package io.flowmasq.rest;

import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The filters of {@code GET} and bulk {@code DELETE /bindings}; a null component matches anything.
 * Views are compared in the forms {@link BindingView} promises (dotted quads, colon dpids, lower-case
 * labels); the filter values are brought to those forms when parsed.
 */
record BindingFilter(String inside, String publicAddress, Integer publicPort, String protocol, String dpid,
                     String state, String origin) implements Predicate<BindingView> {
    static final Set<String> LIST_PARAMS = Set.of("inside", "public", "proto", "switch", "state", "origin");
    static final Set<String> DELETE_PARAMS = Set.of("inside", "proto", "switch");
    static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "icmp");
    /** TCP states as the controller tracks them (RFC 5382 timers), and "active" for UDP. */
    static final Set<String> STATES = Set.of("transitory", "established", "closing", "active");
    static final Set<String> ORIGINS = Set.of("dynamic", "static");

    /** Reads every filter parameter present; the route has already refused parameters it does not take. */
    static BindingFilter parse(ApiRequest request) {
        Ipv4.HostPort publicEndpoint = request.param("public").map(BindingFilter::publicEndpoint).orElse(null);
        return new BindingFilter(
                request.param("inside").map(text -> Ipv4.address(text, "inside")).orElse(null),
                publicEndpoint == null ? null : publicEndpoint.address(),
                publicEndpoint == null || publicEndpoint.port() == 0 ? null : publicEndpoint.port(),
                request.param("proto").map(text -> oneOf(text, "proto", PROTOCOLS)).orElse(null),
                request.param("switch").map(text -> Dpids.format(Dpids.require(text, "switch"))).orElse(null),
                request.param("state").map(text -> oneOf(text, "state", STATES)).orElse(null),
                request.param("origin").map(text -> oneOf(text, "origin", ORIGINS)).orElse(null));
    }

    @Override
    public boolean test(BindingView b) {
        return (inside == null || inside.equals(b.insideAddress()))
                && (publicAddress == null || publicAddress.equals(b.publicAddress()))
                && (publicPort == null || publicPort == b.publicPort())
                && (protocol == null || protocol.equals(b.protocol()))
                && (dpid == null || dpid.equalsIgnoreCase(b.dpid()))
                && (state == null || state.equals(b.state()))
                && (origin == null || origin.equals(b.origin()));
    }

    /** {@code 203.0.113.1} (any port, returned as port 0) or {@code 203.0.113.1:2222}. */
    private static Ipv4.HostPort publicEndpoint(String text) {
        return text.indexOf(':') < 0
                ? new Ipv4.HostPort(Ipv4.address(text, "public"), 0)
                : Ipv4.hostPort(text, "public");
    }

    private static String oneOf(String text, String field, Set<String> allowed) {
        String value = text.toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw ApiException.badParameter(field, "query parameter '" + field + "' must be one of "
                    + String.join(", ", allowed.stream().sorted().toList()) + ", got '" + text + "'");
        }
        return value;
    }
}
