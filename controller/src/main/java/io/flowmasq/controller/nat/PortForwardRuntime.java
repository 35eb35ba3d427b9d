package io.flowmasq.controller.nat;

import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleCookies;
import io.flowmasq.flowcompiler.rules.RuleForm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port forwarding: each public port of the rule is a static binding to its inside endpoint, with an id from
 * the rule's own block ({@link RuleCookies#forwardId}), so the forwarded ports share the binding table with
 * every other binding (hairpinning, the FTP ALG for a server on a control port, the REST listing) and the
 * rule's flows share a cookie prefix. The public ports are reserved from the NAPT allocator for as long as
 * the rule lives, whether or not the inside host has answered yet, so no outbound flow can take one (port
 * shadowing). A binding that cannot be made yet (host or next hop unknown) is retried every
 * {@link #RETRY_MS}.
 */
final class PortForwardRuntime implements RuleRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(PortForwardRuntime.class);
    static final long RETRY_MS = 2_000;

    private final Rule rule;
    private final RuleForm.PortForward form;
    private final RuleContext ctx;
    private long nextTryAt;
    private String lastProblem;

    PortForwardRuntime(Rule rule, RuleContext ctx) {
        this.rule = rule;
        this.form = (RuleForm.PortForward) rule.form();
        this.ctx = ctx;
    }

    /** Takes the rule's public ports; a message naming the live binding that holds one, and nothing taken. */
    static Optional<String> reserve(RuleForm.PortForward form, NaptAllocator allocator, BindingTable table) {
        List<Endpoint> ports = new ArrayList<>();
        for (int port = form.externalPorts().first(); port <= form.externalPorts().last(); port++) {
            ports.add(new Endpoint(form.external(), port));
        }
        return RuleReservations.reserve(form.protocol(), ports, allocator, table);
    }

    @Override
    public Rule rule() {
        return rule;
    }

    @Override
    public List<OFMessage> start(long now) {
        nextTryAt = now;
        return onTick(now);
    }

    @Override
    public List<OFMessage> onTick(long now) {
        if (now < nextTryAt) {
            return List.of();
        }
        List<OFMessage> out = new ArrayList<>();
        boolean pending = false;
        int ports = form.externalPorts().size();
        for (int i = 0; i < ports; i++) {
            long id = RuleCookies.forwardId(rule.number(), i);
            if (ctx.table().byId(id).isPresent()) {
                continue;
            }
            int port = form.externalPorts().first() + i;
            StaticRequest request = new StaticRequest(form.protocol(), form.insideOf(port),
                    new Endpoint(form.external(), port));
            StaticOutcome outcome = ctx.statics().create(request, id, rule.number(), now);
            if (outcome instanceof StaticOutcome.Created c) {
                out.addAll(c.messages());
                lastProblem = null;
            } else if (outcome instanceof StaticOutcome.Unresolved u) {
                pending = true;
                lastProblem = u.what();
                out.addAll(u.messages());
                break; // one ARP round for the host is enough; the other ports wait for the same answer
            } else if (outcome instanceof StaticOutcome.Refused r) {
                pending = true;
                if (!r.message().equals(lastProblem)) {
                    LOG.warn("switch {}: rule '{}': port {} not forwarded: {}", ctx.config().name(), rule.id(), port,
                            r.message());
                }
                lastProblem = r.message();
                ctx.counters().increment("nat.rule.forward_refused");
            }
        }
        nextTryAt = pending ? now + RETRY_MS : Long.MAX_VALUE;
        return out;
    }

    @Override
    public boolean holdsPort(Binding b) {
        return RuleCookies.isForwardId(b.id()) && RuleCookies.forwardRuleOf(b.id()) == rule.number();
    }

    /** A forwarded port's binding went (the switch lost it, an operator deleted it): made again. */
    @Override
    public void released(Binding b, long now) {
        if (holdsPort(b)) {
            nextTryAt = Math.min(nextTryAt, now + RETRY_MS);
        }
    }

    /**
     * The rule is gone (its runtime already unregistered, so releasing a binding frees its port): each forwarded
     * port's binding goes as an operator's delete would (hairpins and ALG state with it), and the reservation
     * of a port whose binding was never made is given back.
     */
    @Override
    public List<OFMessage> stop(long now) {
        List<OFMessage> out = new ArrayList<>();
        for (int i = 0; i < form.externalPorts().size(); i++) {
            Optional<Binding> live = ctx.table().byId(RuleCookies.forwardId(rule.number(), i));
            if (live.isPresent()) {
                out.addAll(ctx.remover().remove(live.get(), BindingListener.RemovalReason.DELETED_BY_OPERATOR, now));
            } else {
                int port = form.externalPorts().first() + i;
                RuleReservations.release(form.protocol(), new Endpoint(form.external(), port), ctx.allocator(), now);
            }
        }
        return out;
    }

    @Override
    public Map<String, Object> status(long now) {
        int live = 0;
        for (int i = 0; i < form.externalPorts().size(); i++) {
            if (ctx.table().byId(RuleCookies.forwardId(rule.number(), i)).isPresent()) {
                live++;
            }
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("ports", form.externalPorts().size());
        s.put("portsForwarded", live);
        if (lastProblem != null && live < form.externalPorts().size()) {
            s.put("waitingFor", lastProblem);
        }
        return s;
    }
}
