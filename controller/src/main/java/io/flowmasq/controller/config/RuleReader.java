package io.flowmasq.controller.config;

import com.google.gson.JsonObject;
import io.flowmasq.controller.nat.rules.RuleRefusal;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.rules.PortSpan;
import io.flowmasq.flowcompiler.rules.Prefixes;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleForm;
import io.flowmasq.flowcompiler.rules.RuleMatch;
import io.flowmasq.flowcompiler.rules.RuleProtocol;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * Reads one NAT rule (docs/configuration.md, "Rules"): from the file, reporting at the rule's path, or from a
 * REST body ({@link #readOne}), reporting each field relative to the rule. Checks the rule on its own (syntax,
 * ranges, prefix lengths); its place among the switch's rules is {@code RuleValidator}'s.
 */
public final class RuleReader {
    /** The fields of each form besides {@code id}, {@code type} and {@code match}; the keys are the types. */
    private static final Map<String, Set<String>> FORM_FIELDS = new LinkedHashMap<>();

    static {
        FORM_FIELDS.put("masquerade", Set.of("addresses"));
        FORM_FIELDS.put("pool", Set.of("addresses", "fallback"));
        FORM_FIELDS.put("static", Set.of("inside", "public"));
        FORM_FIELDS.put("netmap", Set.of("inside", "public"));
        FORM_FIELDS.put("twice", Set.of("inside", "insideAs", "outside", "outsideAs"));
        FORM_FIELDS.put("portForward", Set.of("protocol", "public", "inside"));
        FORM_FIELDS.put("virtualServer", Set.of("protocol", "public", "policy", "servers", "healthCheck"));
    }

    private static final Set<String> COMMON = Set.of("id", "type", "match");
    private static final Set<String> MATCH_FIELDS = Set.of("inside", "outside", "protocol", "ports");
    private static final Set<String> SERVER_FIELDS = Set.of("address", "weight");
    private static final Set<String> HEALTH_FIELDS = Set.of("intervalSeconds", "timeoutMillis", "failures",
            "successes");
    /** What {@code "healthCheck": {}} means: every 5 s, 1 s to connect, out after 3 failures, back after 2. */
    public static final RuleForm.HealthCheck DEFAULT_HEALTH_CHECK = new RuleForm.HealthCheck(5, 1000, 3, 2);
    /** The key a REST body may add to say where the rule goes; the REST side reads it. */
    public static final String POSITION = "position";

    /** One rule read from REST: the rule, or the mistakes found (field relative to the rule, never a conflict). */
    public record Result(Optional<Rule> rule, List<RuleRefusal> errors) {
        public Result {
            errors = List.copyOf(errors);
        }
    }

    private RuleReader() {
    }

    /** A REST body with the id defaulting to {@code "rule-<number>"}. */
    public static Result readOne(JsonObject json, int number) {
        return readOne(json, number, "rule-" + number);
    }

    /**
     * A rule from a REST body, numbered {@code number}; {@code defaultId} when it has no {@code id}. The key
     * {@value #POSITION} is allowed and ignored. Every mistake is reported, each with its field ("public",
     * "servers[1].weight"; "" for the body as a whole).
     */
    public static Result readOne(JsonObject json, int number, String defaultId) {
        Problems problems = new Problems();
        Rule rule = read(new ConfigNode("", json, problems), number, defaultId, Set.of(POSITION));
        List<RuleRefusal> errors = new ArrayList<>();
        for (Problems.Problem p : problems.errorEntries()) {
            errors.add(RuleRefusal.of(p.path(), p.problem()));
        }
        return new Result(errors.isEmpty() ? Optional.ofNullable(rule) : Optional.empty(), errors);
    }

    /** The rule at {@code node}, or null with its mistakes reported. */
    static Rule read(ConfigNode node, int number, String defaultId) {
        return read(node, number, defaultId, Set.of());
    }

    private static Rule read(ConfigNode node, int number, String defaultId, Set<String> extra) {
        if (!node.isObject()) {
            node.error(node.json() + " is not an object");
            return null;
        }
        ConfigNode typeNode = node.member("type");
        if (typeNode == null) {
            node.problems().error(child(node, "type"), "required (one of " + types() + ")");
            return null;
        }
        String type = typeNode.string();
        if (type == null) {
            return null;
        }
        if (!FORM_FIELDS.containsKey(type)) {
            typeNode.error(typeNode.json() + " is not a rule type (" + types() + ")");
            return null;
        }
        Set<String> known = new HashSet<>(COMMON);
        known.addAll(FORM_FIELDS.get(type));
        known.addAll(extra);
        ConfigObject fields = node.object(known);
        String id = id(fields.optional("id"), defaultId);
        ConfigNode matchNode = fields.optional("match");
        RuleMatch match;
        RuleForm form;
        switch (type) {
            case "masquerade" -> {
                match = fullMatch(matchNode);
                form = masquerade(fields);
            }
            case "pool" -> {
                match = fullMatch(matchNode);
                form = pool(fields);
            }
            case "static", "netmap" -> {
                match = staticMatch(matchNode, type);
                form = staticNat(fields, type.equals("static"));
            }
            default -> {
                if (matchNode != null) {
                    matchNode.error("a " + type + " rule takes no match: its traffic follows from its addresses");
                }
                match = RuleMatch.ANY;
                form = type.equals("twice") ? twice(fields)
                        : type.equals("portForward") ? portForward(fields) : virtualServer(fields);
            }
        }
        if (id == null || match == null || form == null || (matchNode != null && !hasMatch(type))) {
            return null;
        }
        return new Rule(id, number, match, form);
    }

    private static boolean hasMatch(String type) {
        return type.equals("masquerade") || type.equals("pool") || type.equals("static") || type.equals("netmap");
    }

    private static String types() {
        return "\"" + String.join("\", \"", FORM_FIELDS.keySet()) + "\"";
    }

    private static String child(ConfigNode node, String name) {
        return node.path().isEmpty() ? name : node.path() + "." + name;
    }

    private static String id(ConfigNode node, String defaultId) {
        if (node == null) {
            return defaultId;
        }
        String id = node.string();
        if (id != null && !Rule.ID.matcher(id).matches()) {
            node.error(node.json() + " is not a rule id (1-64 letters, digits, '.', '-' or '_', starting with a"
                    + " letter or digit)");
            return null;
        }
        return id;
    }

    /** masquerade and pool: inside, outside, protocol, ports, each "any" when absent. */
    private static RuleMatch fullMatch(ConfigNode node) {
        if (node == null) {
            return RuleMatch.ANY;
        }
        ConfigObject f = node.object(MATCH_FIELDS);
        if (f == null) {
            return null;
        }
        ConfigNode insideNode = f.optional("inside");
        IPv4AddressWithMask inside = insideNode == null ? RuleMatch.ANY_PREFIX : RuleSyntax.prefix(insideNode, true);
        return matchRest(f, inside, true);
    }

    /** static and netmap: outside and protocol only (the inside is the rule's own, ports cannot be mapped). */
    private static RuleMatch staticMatch(ConfigNode node, String type) {
        if (node == null) {
            return RuleMatch.ANY;
        }
        ConfigObject f = node.object(MATCH_FIELDS);
        if (f == null) {
            return null;
        }
        boolean ok = true;
        ConfigNode insideNode = f.optional("inside");
        if (insideNode != null) {
            insideNode.error("a " + type + " rule matches its own \"inside\"; only outside and protocol may be set");
            ok = false;
        }
        ConfigNode portsNode = f.optional("ports");
        if (portsNode != null) {
            portsNode.error("a " + type + " rule maps whole addresses; only outside and protocol may be set");
            ok = false;
        }
        RuleMatch m = matchRest(f, RuleMatch.ANY_PREFIX, false);
        return ok ? m : null;
    }

    private static RuleMatch matchRest(ConfigObject f, IPv4AddressWithMask inside, boolean withPorts) {
        ConfigNode outsideNode = f.optional("outside");
        IPv4AddressWithMask outside = outsideNode == null ? RuleMatch.ANY_PREFIX
                : RuleSyntax.prefix(outsideNode, true);
        ConfigNode protocolNode = f.optional("protocol");
        RuleProtocol protocol = RuleProtocol.ANY;
        if (protocolNode != null) {
            String label = protocolNode.string();
            protocol = label == null ? null : RuleProtocol.byLabel(label).orElse(null);
            if (label != null && protocol == null) {
                protocolNode.error(protocolNode.json() + " is not a protocol (\"any\", \"tcp\", \"udp\" or \"icmp\")");
            }
        }
        ConfigNode portsNode = withPorts ? f.optional("ports") : null;
        PortSpan ports = portsNode == null ? PortSpan.ANY : RuleSyntax.ports(portsNode);
        if (inside == null || outside == null || protocol == null || ports == null) {
            return null;
        }
        if (!ports.isAny() && !protocol.hasPorts()) {
            portsNode.error(portsNode.json() + " needs protocol \"tcp\" or \"udp\" (protocol is "
                    + protocol.label() + ")");
            return null;
        }
        return new RuleMatch(inside, outside, protocol, ports);
    }

    private static RuleForm masquerade(ConfigObject fields) {
        ConfigNode node = fields.optional("addresses");
        if (node == null) {
            return new RuleForm.Masquerade(List.of());
        }
        List<IPv4Address> addresses = RuleSyntax.addressList(node);
        return addresses == null ? null : new RuleForm.Masquerade(addresses);
    }

    private static RuleForm pool(ConfigObject fields) {
        ConfigNode node = fields.required("addresses");
        List<IPv4Address> addresses = node == null ? null : RuleSyntax.addressList(node);
        ConfigNode fallbackNode = fields.optional("fallback");
        IPv4Address fallback = fallbackNode == null ? null : ValueSyntax.ipv4(fallbackNode);
        if (addresses == null || (fallbackNode != null && fallback == null)) {
            return null;
        }
        if (fallback != null && addresses.contains(fallback)) {
            fallbackNode.error(fallbackNode.json() + " is also in addresses; the fallback is shared by every host,"
                    + " so it cannot be handed to one");
            return null;
        }
        return new RuleForm.AddressPool(addresses, Optional.ofNullable(fallback));
    }

    private static RuleForm staticNat(ConfigObject fields, boolean single) {
        IPv4AddressWithMask inside = mapped(fields.required("inside"), single);
        ConfigNode publicNode = fields.required("public");
        IPv4AddressWithMask external = mapped(publicNode, single);
        if (inside == null || external == null) {
            return null;
        }
        if (Prefixes.length(inside) != Prefixes.length(external)) {
            publicNode.error(publicNode.json() + " is a /" + Prefixes.length(external) + ", inside a /"
                    + Prefixes.length(inside) + "; host bits are kept, so both need the same length");
            return null;
        }
        return new RuleForm.StaticNat(inside, external);
    }

    /** One address for static, a prefix shorter than /32 for netmap. */
    private static IPv4AddressWithMask mapped(ConfigNode node, boolean single) {
        IPv4AddressWithMask p = node == null ? null : RuleSyntax.prefix(node, false);
        if (p == null) {
            return null;
        }
        if (single && Prefixes.length(p) != 32) {
            node.error(node.json() + " is a prefix; a static rule maps one address (type \"netmap\" maps prefixes)");
            return null;
        }
        if (!single && Prefixes.length(p) == 32) {
            node.error(node.json() + " is one address; a netmap rule maps a prefix (type \"static\" maps one"
                    + " address)");
            return null;
        }
        return p;
    }

    private static RuleForm twice(ConfigObject fields) {
        IPv4AddressWithMask inside = prefixField(fields.required("inside"));
        ConfigNode insideAsNode = fields.required("insideAs");
        IPv4AddressWithMask insideAs = prefixField(insideAsNode);
        IPv4AddressWithMask outside = prefixField(fields.required("outside"));
        ConfigNode outsideAsNode = fields.required("outsideAs");
        IPv4AddressWithMask outsideAs = prefixField(outsideAsNode);
        boolean ok = inside != null && insideAs != null && outside != null && outsideAs != null;
        if (inside != null && insideAs != null && !sameLength(insideAsNode, insideAs, inside, "inside")) {
            ok = false;
        }
        if (outside != null && outsideAs != null && !sameLength(outsideAsNode, outsideAs, outside, "outside")) {
            ok = false;
        }
        return ok ? new RuleForm.TwiceNat(inside, insideAs, outside, outsideAs) : null;
    }

    private static IPv4AddressWithMask prefixField(ConfigNode node) {
        return node == null ? null : RuleSyntax.prefix(node, false);
    }

    private static boolean sameLength(ConfigNode node, IPv4AddressWithMask p, IPv4AddressWithMask other,
                                      String otherName) {
        if (Prefixes.length(p) != Prefixes.length(other)) {
            node.error(node.json() + " is a /" + Prefixes.length(p) + ", " + otherName + " a /"
                    + Prefixes.length(other) + "; host bits are kept, so both need the same length");
            return false;
        }
        return true;
    }

    private static Protocol protocol(ConfigNode node) {
        String label = node == null ? null : node.string();
        if (label == null) {
            return null;
        }
        Optional<Protocol> p = Protocol.byLabel(label);
        if (p.isEmpty()) {
            node.error(node.json() + " is not \"tcp\" or \"udp\"");
            return null;
        }
        return p.get();
    }

    private static RuleForm portForward(ConfigObject fields) {
        Protocol protocol = protocol(fields.required("protocol"));
        ConfigNode publicNode = fields.required("public");
        Object[] external = publicNode == null ? null : RuleSyntax.endpointSpan(publicNode, true, false);
        ConfigNode insideNode = fields.required("inside");
        Object[] inside = insideNode == null ? null : RuleSyntax.endpointSpan(insideNode, false, true);
        if (protocol == null || external == null || inside == null) {
            return null;
        }
        PortSpan ports = (PortSpan) external[1];
        if (ports.size() > RuleForm.PortForward.MAX_PORTS) {
            publicNode.error(publicNode.json() + " has " + ports.size() + " ports; a forward takes at most "
                    + RuleForm.PortForward.MAX_PORTS + " (map a whole address with a static rule)");
            return null;
        }
        // Without an inside port the ports are kept.
        int insidePort = inside[1] == null ? ports.first() : ((PortSpan) inside[1]).first();
        if (insidePort + ports.size() - 1 > 65535) {
            insideNode.error(insideNode.json() + " with " + ports.size() + " ports would end beyond port 65535");
            return null;
        }
        return new RuleForm.PortForward(protocol, (IPv4Address) external[0], ports, (IPv4Address) inside[0],
                insidePort);
    }

    private static RuleForm virtualServer(ConfigObject fields) {
        Protocol protocol = protocol(fields.required("protocol"));
        ConfigNode publicNode = fields.required("public");
        Endpoint external = publicNode == null ? null : RuleSyntax.endpoint(publicNode);
        ConfigNode policyNode = fields.optional("policy");
        RuleForm.Scheduling policy = RuleForm.Scheduling.WEIGHTED;
        if (policyNode != null) {
            String label = policyNode.string();
            policy = label == null ? null : RuleForm.Scheduling.byLabel(label).orElse(null);
            if (label != null && policy == null) {
                policyNode.error(policyNode.json() + " is not a policy (\"roundRobin\", \"weighted\","
                        + " \"leastConnections\" or \"bytes\")");
            }
        }
        ConfigNode serversNode = fields.required("servers");
        List<RuleForm.RealServer> servers = serversNode == null ? null : servers(serversNode);
        Optional<RuleForm.HealthCheck> check = healthCheck(fields.optional("healthCheck"));
        if (protocol == null || external == null || policy == null || servers == null || check == null) {
            return null;
        }
        return new RuleForm.VirtualServer(protocol, external, policy, servers, check);
    }

    private static List<RuleForm.RealServer> servers(ConfigNode node) {
        List<ConfigNode> elements = node.nonEmptyArray();
        if (elements == null) {
            return null;
        }
        List<RuleForm.RealServer> result = new ArrayList<>();
        Claims<Endpoint> seen = new Claims<>();
        boolean ok = true;
        for (ConfigNode e : elements) {
            ConfigObject f = e.object(SERVER_FIELDS);
            if (f == null) {
                ok = false;
                continue;
            }
            ConfigNode addressNode = f.required("address");
            Endpoint address = addressNode == null ? null : RuleSyntax.endpoint(addressNode);
            ConfigNode weightNode = f.optional("weight");
            Long weight = weightNode == null ? Long.valueOf(1)
                    : weightNode.integer(0, RuleForm.RealServer.MAX_WEIGHT, "a weight");
            if (address != null && !seen.claim(address, addressNode)) {
                address = null;
            }
            if (address == null || weight == null) {
                ok = false;
            } else {
                result.add(new RuleForm.RealServer(address, weight.intValue()));
            }
        }
        return ok ? result : null;
    }

    /** Empty when absent; null on error. */
    private static Optional<RuleForm.HealthCheck> healthCheck(ConfigNode node) {
        if (node == null) {
            return Optional.empty();
        }
        ConfigObject f = node.object(HEALTH_FIELDS);
        if (f == null) {
            return null;
        }
        RuleForm.HealthCheck d = DEFAULT_HEALTH_CHECK;
        Long interval = number(f.optional("intervalSeconds"), d.intervalSeconds(), 1, 3600, "a number of seconds");
        Long timeout = number(f.optional("timeoutMillis"), d.timeoutMillis(), 10, 60_000, "a number of milliseconds");
        Long failures = number(f.optional("failures"), d.failures(), 1, 100, "a count");
        Long successes = number(f.optional("successes"), d.successes(), 1, 100, "a count");
        if (interval == null || timeout == null || failures == null || successes == null) {
            return null;
        }
        return Optional.of(new RuleForm.HealthCheck(interval.intValue(), timeout.intValue(), failures.intValue(),
                successes.intValue()));
    }

    private static Long number(ConfigNode node, int fallback, long min, long max, String what) {
        return node == null ? Long.valueOf(fallback) : node.integer(min, max, what);
    }
}
