package io.flowmasq.controller.nat.rules;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.flowmasq.flowcompiler.rules.Prefixes;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleForm;
import io.flowmasq.flowcompiler.rules.RuleMatch;
import java.util.List;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * A rule in the config file's JSON shape (docs/configuration.md, "Rules"), every default written out, so that
 * reading it back gives the same rule (the number aside, which the file does not carry). Used by the effective
 * configuration and the REST listing.
 */
public final class RuleJson {
    private RuleJson() {
    }

    public static JsonObject toJson(Rule rule) {
        JsonObject o = new JsonObject();
        o.addProperty("id", rule.id());
        o.addProperty("type", rule.form().type());
        RuleForm form = rule.form();
        RuleMatch m = rule.match();
        if (form instanceof RuleForm.Masquerade masq) {
            if (!masq.addresses().isEmpty()) {
                o.add("addresses", addresses(masq.addresses()));
            }
            o.add("match", fullMatch(m));
        } else if (form instanceof RuleForm.AddressPool pool) {
            o.add("addresses", addresses(pool.addresses()));
            pool.fallback().ifPresent(f -> o.addProperty("fallback", f.toString()));
            o.add("match", fullMatch(m));
        } else if (form instanceof RuleForm.StaticNat s) {
            o.addProperty("inside", address(s.inside()));
            o.addProperty("public", address(s.external()));
            JsonObject match = new JsonObject();
            match.addProperty("outside", prefix(m.outside()));
            match.addProperty("protocol", m.protocol().label());
            o.add("match", match);
        } else if (form instanceof RuleForm.TwiceNat t) {
            o.addProperty("inside", prefix(t.inside()));
            o.addProperty("insideAs", prefix(t.insideAs()));
            o.addProperty("outside", prefix(t.outside()));
            o.addProperty("outsideAs", prefix(t.outsideAs()));
        } else if (form instanceof RuleForm.PortForward p) {
            o.addProperty("protocol", p.protocol().label());
            o.addProperty("public", p.external() + ":" + p.externalPorts());
            o.addProperty("inside", p.inside() + ":" + p.insidePort());
        } else if (form instanceof RuleForm.VirtualServer v) {
            o.addProperty("protocol", v.protocol().label());
            o.addProperty("public", v.external().toString());
            o.addProperty("policy", v.policy().label());
            JsonArray servers = new JsonArray();
            for (RuleForm.RealServer s : v.servers()) {
                JsonObject server = new JsonObject();
                server.addProperty("address", s.address().toString());
                server.addProperty("weight", s.weight());
                servers.add(server);
            }
            o.add("servers", servers);
            v.healthCheck().ifPresent(h -> {
                JsonObject check = new JsonObject();
                check.addProperty("intervalSeconds", h.intervalSeconds());
                check.addProperty("timeoutMillis", h.timeoutMillis());
                check.addProperty("failures", h.failures());
                check.addProperty("successes", h.successes());
                o.add("healthCheck", check);
            });
        }
        return o;
    }

    /** "any", or "10.0.0.0/24" (a host as "10.0.0.12/32"). */
    public static String prefix(IPv4AddressWithMask p) {
        return Prefixes.length(p) == 0 ? "any" : p.getValue() + "/" + Prefixes.length(p);
    }

    private static JsonObject fullMatch(RuleMatch m) {
        JsonObject match = new JsonObject();
        match.addProperty("inside", prefix(m.inside()));
        match.addProperty("outside", prefix(m.outside()));
        match.addProperty("protocol", m.protocol().label());
        match.addProperty("ports", m.ports().isAny() ? "any" : m.ports().toString());
        return match;
    }

    /** A static rule's single address plainly, a netmap's prefix with its length. */
    private static String address(IPv4AddressWithMask p) {
        return Prefixes.length(p) == 32 ? p.getValue().toString() : prefix(p);
    }

    /** Runs of three or more consecutive addresses as "first-last", in the list's order. */
    private static JsonArray addresses(List<IPv4Address> list) {
        JsonArray a = new JsonArray();
        int i = 0;
        while (i < list.size()) {
            int j = i;
            while (j + 1 < list.size() && (list.get(j + 1).getInt() == list.get(j).getInt() + 1)
                    && list.get(j).getInt() != -1) {
                j++;
            }
            if (j - i >= 2) {
                a.add(list.get(i) + "-" + list.get(j));
            } else {
                for (int k = i; k <= j; k++) {
                    a.add(list.get(k).toString());
                }
            }
            i = j + 1;
        }
        return a;
    }
}
