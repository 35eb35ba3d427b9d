package io.flowmasq.controller.nat.rules;

import io.flowmasq.flowcompiler.rules.PortSpan;
import io.flowmasq.flowcompiler.rules.Prefixes;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleForm;
import io.flowmasq.flowcompiler.rules.RuleMatch;
import io.flowmasq.flowcompiler.rules.RuleProtocol;
import java.util.ArrayList;
import java.util.List;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * The traffic each rule takes, seen from a flow's first packet leaving the inside. {@link Rule#match()} holds
 * what the operator wrote (any, where a form takes no match); the form adds the rest.
 */
public final class RuleMatches {
    private RuleMatches() {
    }

    /**
     * masquerade, pool: the rule's match. static/netmap: the inside prefix, with the match's outside and
     * protocol. twice: the inside prefix towards {@code outsideAs}. port forward: the inside host and its port
     * span. virtual server: an over-approximation (the smallest prefix and port span holding every server; see
     * {@link #perServer}); forwards and virtual servers are reached from outside, so the chain's order checks
     * and {@link RuleChain#firstOutbound} leave them out.
     */
    public static RuleMatch implied(Rule rule) {
        RuleForm form = rule.form();
        RuleMatch m = rule.match();
        if (form instanceof RuleForm.StaticNat s) {
            return new RuleMatch(s.inside(), m.outside(), m.protocol(), PortSpan.ANY);
        }
        if (form instanceof RuleForm.TwiceNat t) {
            return new RuleMatch(t.inside(), t.outsideAs(), RuleProtocol.ANY, PortSpan.ANY);
        }
        if (form instanceof RuleForm.PortForward p) {
            return new RuleMatch(Prefixes.host(p.inside()), RuleMatch.ANY_PREFIX, RuleProtocol.of(p.protocol()),
                    new PortSpan(p.insidePort(), p.insidePort() + p.externalPorts().size() - 1));
        }
        if (form instanceof RuleForm.VirtualServer v) {
            List<RuleMatch> servers = perServer(v);
            IPv4AddressWithMask inside = servers.get(0).inside();
            int first = 65535;
            int last = 0;
            for (RuleMatch s : servers) {
                inside = spanning(inside, s.inside().getValue());
                first = Math.min(first, s.ports().first());
                last = Math.max(last, s.ports().last());
            }
            return new RuleMatch(inside, RuleMatch.ANY_PREFIX, RuleProtocol.of(v.protocol()), new PortSpan(first, last));
        }
        return m; // masquerade, pool
    }

    /** Whether the rule's traffic starts inside (everything but port forwards and virtual servers). */
    public static boolean outbound(Rule rule) {
        return !(rule.form() instanceof RuleForm.PortForward || rule.form() instanceof RuleForm.VirtualServer);
    }

    /** Whether the rule translates per binding, decided at packet-in (masquerade, pool). */
    public static boolean dynamic(Rule rule) {
        return rule.form() instanceof RuleForm.Masquerade || rule.form() instanceof RuleForm.AddressPool;
    }

    /** A virtual server's replies: one match per server (its address /32 and port). */
    public static List<RuleMatch> perServer(RuleForm.VirtualServer v) {
        List<RuleMatch> result = new ArrayList<>();
        for (RuleForm.RealServer s : v.servers()) {
            result.add(new RuleMatch(Prefixes.host(s.address().address()), RuleMatch.ANY_PREFIX,
                    RuleProtocol.of(v.protocol()), PortSpan.of(s.address().port())));
        }
        return result;
    }

    private static IPv4AddressWithMask spanning(IPv4AddressWithMask p, IPv4Address a) {
        int length = Prefixes.length(p);
        while (!p.matches(a)) {
            length--;
            p = Prefixes.normalise(p.getValue().withMaskOfLength(length));
        }
        return p;
    }
}
