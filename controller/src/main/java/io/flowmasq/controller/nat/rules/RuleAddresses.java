package io.flowmasq.controller.nat.rules;

import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.rules.PortSpan;
import io.flowmasq.flowcompiler.rules.Prefixes;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleForm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * The address checks of {@link RuleValidator}: a rule's addresses against its switch (inside hosts in an
 * inside network, public addresses not; at most {@link RuleValidator#MAX_MAPPED_HOSTS} mapped hosts; exclusive
 * public addresses not the outside interface's) and against another rule (exclusive public addresses owned
 * once; one forward or virtual server per protocol, address and port).
 */
final class RuleAddresses {
    /** Addresses {@code first..last} (unsigned) a rule uses outside, from its field {@code field}. */
    private record Claim(long first, long last, boolean exclusive, String field) {
        boolean overlaps(Claim o) {
            return first <= o.last && o.first <= last;
        }

        String text() {
            return first == last ? address(first).toString() : address(first) + "-" + address(last);
        }
    }

    /** A forwarded public protocol, address and port span (port forward or virtual server). */
    private record Listener(Protocol protocol, IPv4Address address, PortSpan ports) {
        boolean overlaps(Listener o) {
            return protocol == o.protocol && address.equals(o.address) && ports.overlaps(o.ports);
        }

        String text() {
            return protocol.label() + " " + address + ":" + ports;
        }
    }

    private RuleAddresses() {
    }

    static Optional<RuleRefusal> againstSwitch(Rule rule, SwitchConfig cfg) {
        List<IPv4AddressWithMask> networks = RuleValidator.insideNetworks(cfg);
        String who = "rule '" + rule.id() + "': ";
        RuleForm form = rule.form();
        List<RuleRefusal> found = new ArrayList<>();
        if (form instanceof RuleForm.StaticNat s) {
            tooMany(who, "inside", s.inside(), found);
            insideHosts(who, "inside", s.inside(), networks, found);
        } else if (form instanceof RuleForm.TwiceNat t) {
            tooMany(who, "inside", t.inside(), found);
            tooMany(who, "outside", t.outside(), found);
            insideHosts(who, "inside", t.inside(), networks, found);
            RuleValidator.overlapping(networks, t.outsideAs()).ifPresent(n -> found.add(RuleRefusal.of("outsideAs",
                    who + "outsideAs " + Prefixes.label(t.outsideAs()) + " overlaps the inside network "
                            + Prefixes.label(n) + "; inside hosts must reach it through the gateway")));
        } else if (form instanceof RuleForm.PortForward p) {
            insideHosts(who, "inside", Prefixes.host(p.inside()), networks, found);
        } else if (form instanceof RuleForm.VirtualServer v) {
            for (int i = 0; i < v.servers().size(); i++) {
                insideHosts(who, "servers[" + i + "].address", Prefixes.host(v.servers().get(i).address().address()),
                        networks, found);
            }
        }
        for (Claim c : claims(rule)) {
            for (IPv4AddressWithMask n : networks) {
                if (c.first <= last(n) && first(n) <= c.last) {
                    found.add(RuleRefusal.of(c.field, who + c.field + " " + c.text() + " lies in the inside network "
                            + Prefixes.label(n) + "; public addresses must be outside"));
                }
            }
            if (c.exclusive) {
                for (IPv4Address a : cfg.outside().publicAddresses()) {
                    long v = Prefixes.unsigned(a);
                    if (c.first <= v && v <= c.last) {
                        String owner = a.equals(cfg.outside().address()) ? "the outside interface's address"
                                : "one of outside.publicAddresses (masquerade uses it)";
                        found.add(RuleRefusal.of(c.field, who + c.field + " " + c.text() + " includes " + a
                                + ", " + owner + "; a " + rule.form().type() + " rule needs addresses of its own"));
                    }
                }
            }
        }
        return found.stream().findFirst();
    }

    static Optional<RuleRefusal> againstRule(Rule rule, Rule other, int otherPosition) {
        for (Claim mine : claims(rule)) {
            for (Claim theirs : claims(other)) {
                if ((mine.exclusive || theirs.exclusive) && mine.overlaps(theirs)) {
                    Claim exclusive = mine.exclusive ? mine : theirs;
                    Rule owner = mine.exclusive ? rule : other;
                    return Optional.of(new RuleRefusal(mine.field, "rule '" + rule.id() + "': " + mine.field + " "
                            + mine.text() + " overlaps " + theirs.field + " " + theirs.text() + " of rule '"
                            + other.id() + "' (position " + otherPosition + "); a " + owner.form().type()
                            + " rule's " + exclusive.field + (exclusive.field.equals("addresses") ? " belong" : " belongs")
                            + " to it alone", other.id()));
                }
            }
        }
        for (Listener in : targets(rule)) {
            for (Listener theirs : targets(other)) {
                if (in.overlaps(theirs)) {
                    // both rules' flows would carry the endpoint's replies, and it can have one public side only
                    return Optional.of(new RuleRefusal("inside", "rule '" + rule.id() + "': inside " + in.text()
                            + " is also a target of rule '" + other.id() + "' (position " + otherPosition
                            + ", inside " + theirs.text() + "); an inside endpoint serves one forward or virtual"
                            + " server", other.id()));
                }
            }
        }
        Optional<Listener> mine = listener(rule);
        Optional<Listener> theirs = listener(other);
        if (mine.isPresent() && theirs.isPresent() && mine.get().overlaps(theirs.get())) {
            return Optional.of(new RuleRefusal("public", "rule '" + rule.id() + "': public " + mine.get().text()
                    + " overlaps " + theirs.get().text() + " of rule '" + other.id() + "' (position " + otherPosition
                    + "); each protocol, address and port goes to one forward or virtual server", other.id()));
        }
        return Optional.empty();
    }

    /** Public addresses of the rule; exclusive ones belong to it alone. */
    private static List<Claim> claims(Rule rule) {
        List<Claim> result = new ArrayList<>();
        RuleForm form = rule.form();
        if (form instanceof RuleForm.Masquerade m) {
            runs(m.addresses(), false, "addresses", result);
        } else if (form instanceof RuleForm.AddressPool p) {
            runs(p.addresses(), true, "addresses", result);
            p.fallback().ifPresent(f -> result.add(
                    new Claim(Prefixes.unsigned(f), Prefixes.unsigned(f), false, "fallback")));
        } else if (form instanceof RuleForm.StaticNat s) {
            result.add(new Claim(first(s.external()), last(s.external()), true, "public"));
        } else if (form instanceof RuleForm.TwiceNat t) {
            result.add(new Claim(first(t.insideAs()), last(t.insideAs()), true, "insideAs"));
        } else if (form instanceof RuleForm.PortForward p) {
            result.add(new Claim(Prefixes.unsigned(p.external()), Prefixes.unsigned(p.external()), false, "public"));
        } else if (form instanceof RuleForm.VirtualServer v) {
            long a = Prefixes.unsigned(v.external().address());
            result.add(new Claim(a, a, false, "public"));
        }
        return result;
    }

    private static Optional<Listener> listener(Rule rule) {
        if (rule.form() instanceof RuleForm.PortForward p) {
            return Optional.of(new Listener(p.protocol(), p.external(), p.externalPorts()));
        }
        if (rule.form() instanceof RuleForm.VirtualServer v) {
            return Optional.of(new Listener(v.protocol(), v.external().address(), PortSpan.of(v.external().port())));
        }
        return Optional.empty();
    }

    /** The inside endpoints a forward or virtual server sends its public ports to. */
    private static List<Listener> targets(Rule rule) {
        List<Listener> result = new ArrayList<>();
        if (rule.form() instanceof RuleForm.PortForward p) {
            result.add(new Listener(p.protocol(), p.inside(), new PortSpan(p.insidePort(),
                    p.insidePort() + p.externalPorts().size() - 1)));
        } else if (rule.form() instanceof RuleForm.VirtualServer v) {
            for (RuleForm.RealServer s : v.servers()) {
                result.add(new Listener(v.protocol(), s.address().address(), PortSpan.of(s.address().port())));
            }
        }
        return result;
    }

    /** Consecutive addresses as one claim each, so a large pool costs a few comparisons, not one per address. */
    private static void runs(List<IPv4Address> addresses, boolean exclusive, String field, List<Claim> into) {
        List<Long> sorted = addresses.stream().map(Prefixes::unsigned).sorted().toList();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) <= sorted.get(j) + 1) {
                j++;
            }
            into.add(new Claim(sorted.get(i), sorted.get(j), exclusive, field));
            i = j + 1;
        }
    }

    private static void tooMany(String who, String field, IPv4AddressWithMask p, List<RuleRefusal> into) {
        if (RuleValidator.mapsTooMany(p)) {
            into.add(RuleRefusal.of(field, who + field + " " + Prefixes.label(p) + " has " + Prefixes.size(p)
                    + " addresses; a rule maps at most " + RuleValidator.MAX_MAPPED_HOSTS + " (a /20)"));
        }
    }

    private static void insideHosts(String who, String field, IPv4AddressWithMask p,
                                    List<IPv4AddressWithMask> networks, List<RuleRefusal> into) {
        if (!RuleValidator.inside(networks, p)) {
            into.add(RuleRefusal.of(field, who + field + " " + label(p) + " is not in an inside network of the"
                    + " switch (" + String.join(", ", networks.stream().map(Prefixes::label).toList()) + ")"));
        }
    }

    private static String label(IPv4AddressWithMask p) {
        return Prefixes.length(p) == 32 ? p.getValue().toString() : Prefixes.label(p);
    }

    private static long first(IPv4AddressWithMask p) {
        return Prefixes.unsigned(p.getValue());
    }

    private static long last(IPv4AddressWithMask p) {
        return first(p) + Prefixes.size(p) - 1;
    }


    private static IPv4Address address(long unsigned) {
        return IPv4Address.of((int) unsigned);
    }
}
