package io.flowmasq.controller.config;

import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.rules.PortSpan;
import io.flowmasq.flowcompiler.rules.Prefixes;
import io.flowmasq.flowcompiler.rules.RuleMatch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * The textual values of rules: prefixes, address lists with ranges, endpoints with port spans. Each method
 * reports its own mistake on the node and returns null, like {@link ValueSyntax}.
 */
final class RuleSyntax {
    /** More addresses in one list than a /16 is a typo, not a pool. */
    static final int MAX_LIST_ADDRESSES = 65536;

    private static final Pattern PREFIX = Pattern.compile("([^/]*)/(\\d{1,2})");
    private static final Pattern RANGE = Pattern.compile("([^-]*)-([^-]*)");
    private static final Pattern ENDPOINT = Pattern.compile("([^:]*):(\\d{1,5})(?:-(\\d{1,5}))?");
    private static final Pattern SPAN = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?");

    private RuleSyntax() {
    }

    /** "any" (where allowed), "a.b.c.d" (a /32) or "a.b.c.d/n" with no host bits set. */
    static IPv4AddressWithMask prefix(ConfigNode node, boolean allowAny) {
        String text = node.string();
        if (text == null) {
            return null;
        }
        if (allowAny && text.equals("any")) {
            return RuleMatch.ANY_PREFIX;
        }
        IPv4Address single = ValueSyntax.parseIpv4(text);
        if (single != null) {
            return Prefixes.host(single);
        }
        Matcher m = PREFIX.matcher(text);
        IPv4Address address = m.matches() ? ValueSyntax.parseIpv4(m.group(1)) : null;
        if (address == null) {
            node.error(node.json() + " is not " + (allowAny ? "\"any\", " : "") + "an address or a prefix (like"
                    + " \"10.0.0.0/24\")");
            return null;
        }
        int length = Integer.parseInt(m.group(2));
        if (length > 32) {
            node.error(node.json() + " has a prefix length outside 0..32");
            return null;
        }
        IPv4AddressWithMask p = Prefixes.normalise(address.withMaskOfLength(length));
        if (!p.getValue().equals(address)) {
            node.error(node.json() + " has host bits set; the prefix is " + p.getValue() + "/" + length);
            return null;
        }
        return p;
    }

    /**
     * A non-empty array of single addresses, ranges "a-b" and prefixes "a/n" (every address of the prefix: a
     * routed public block has no network or broadcast address to spare), in the order written; an address
     * twice is an error.
     */
    static List<IPv4Address> addressList(ConfigNode node) {
        List<ConfigNode> elements = node.nonEmptyArray();
        if (elements == null) {
            return null;
        }
        List<IPv4Address> result = new ArrayList<>();
        Set<IPv4Address> seen = new HashSet<>();
        boolean ok = true;
        for (ConfigNode e : elements) {
            long[] span = span(e);
            if (span == null) {
                ok = false;
                continue;
            }
            if (result.size() + (span[1] - span[0] + 1) > MAX_LIST_ADDRESSES) {
                e.error("makes the list longer than " + MAX_LIST_ADDRESSES + " addresses");
                return null;
            }
            for (long a = span[0]; a <= span[1]; a++) {
                IPv4Address address = IPv4Address.of((int) a);
                if (!seen.add(address)) {
                    e.error(address + " is listed twice");
                    ok = false;
                    break;
                }
                result.add(address);
            }
        }
        return ok ? result : null;
    }

    /** First and last address (unsigned) of one list element. */
    private static long[] span(ConfigNode e) {
        String text = e.string();
        if (text == null) {
            return null;
        }
        IPv4Address single = ValueSyntax.parseIpv4(text);
        if (single != null) {
            return new long[] {Prefixes.unsigned(single), Prefixes.unsigned(single)};
        }
        Matcher range = RANGE.matcher(text);
        if (range.matches()) {
            IPv4Address first = ValueSyntax.parseIpv4(range.group(1));
            IPv4Address last = ValueSyntax.parseIpv4(range.group(2));
            if (first == null || last == null) {
                e.error(e.json() + " is not a range of IPv4 addresses (like \"203.0.113.20-203.0.113.29\")");
                return null;
            }
            if (Prefixes.unsigned(last) < Prefixes.unsigned(first)) {
                e.error(e.json() + " ends before it starts");
                return null;
            }
            return new long[] {Prefixes.unsigned(first), Prefixes.unsigned(last)};
        }
        if (PREFIX.matcher(text).matches()) {
            IPv4AddressWithMask p = prefix(e, false);
            if (p == null) {
                return null;
            }
            return new long[] {Prefixes.unsigned(p.getValue()), Prefixes.unsigned(p.getValue()) + Prefixes.size(p) - 1};
        }
        e.error(e.json() + " is not an address, a range (\"a-b\") or a prefix (\"a/n\")");
        return null;
    }

    /** "a.b.c.d:port", port 1..65535. */
    static Endpoint endpoint(ConfigNode node) {
        Object[] parsed = endpointSpan(node, false, false);
        return parsed == null ? null : new Endpoint((IPv4Address) parsed[0], ((PortSpan) parsed[1]).first());
    }

    /**
     * {address, PortSpan}: "a.b.c.d:port", with {@code allowSpan} also "a.b.c.d:first-last", with
     * {@code allowBare} also "a.b.c.d" (span null).
     */
    static Object[] endpointSpan(ConfigNode node, boolean allowSpan, boolean allowBare) {
        String text = node.string();
        if (text == null) {
            return null;
        }
        String like = allowSpan ? "\"203.0.113.1:8080\" or \"203.0.113.1:5000-5009\"" : "\"10.0.0.13:80\"";
        if (allowBare) {
            IPv4Address bare = ValueSyntax.parseIpv4(text);
            if (bare != null) {
                return new Object[] {bare, null};
            }
            like = "\"10.0.0.13:80\" or \"10.0.0.13\"";
        }
        Matcher m = ENDPOINT.matcher(text);
        IPv4Address address = m.matches() ? ValueSyntax.parseIpv4(m.group(1)) : null;
        if (address == null || (m.group(3) != null && !allowSpan)) {
            node.error(node.json() + " is not an address and port (like " + like + ")");
            return null;
        }
        int first = Integer.parseInt(m.group(2));
        int last = m.group(3) == null ? first : Integer.parseInt(m.group(3));
        if (first < 1 || last > 65535 || last < first) {
            node.error(node.json() + " has ports outside 1..65535 or a span that ends before it starts");
            return null;
        }
        return new Object[] {address, new PortSpan(first, last)};
    }

    /** A port number, or "any", "80", "1000-2000"; the whole range (0-65535 or 1-65535) is "any". */
    static PortSpan ports(ConfigNode node) {
        if (node.isString("any")) {
            return PortSpan.ANY;
        }
        // A JSON number or a string of digits: both read as their text.
        String json = node.json();
        String text = json.startsWith("\"") && json.endsWith("\"") ? json.substring(1, json.length() - 1) : json;
        Matcher m = SPAN.matcher(text);
        if (!m.matches()) {
            node.error(node.json() + " is not \"any\", a port or a port span (like 80 or \"1000-2000\")");
            return null;
        }
        int first = Integer.parseInt(m.group(1));
        int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
        if (last > 65535 || last < first) {
            node.error(node.json() + " is not a port span within 0..65535");
            return null;
        }
        return first <= 1 && last == 65535 ? PortSpan.ANY : new PortSpan(first, last);
    }
}
