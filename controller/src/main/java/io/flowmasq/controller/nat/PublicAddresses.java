package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.OutsideConfig;
import io.flowmasq.flowcompiler.rules.Prefixes;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleForm;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * The addresses the gateway owns on the outside, as one rule chain makes them: the ones the controller
 * translates for ({@link #translated()}: the interface address, {@code publicAddresses}, masquerade and
 * pool addresses, the addresses of port forwards and virtual servers) and the static and network NAT
 * prefixes the switch translates on its own ({@link #staticPrefixes()}). The gateway answers ARP for both.
 * Immutable: a changed chain makes a new one.
 */
final class PublicAddresses {
    private final List<IPv4Address> translated;
    private final Set<IPv4Address> translatedSet;
    private final List<IPv4AddressWithMask> staticPrefixes;

    private PublicAddresses(List<IPv4Address> translated, List<IPv4AddressWithMask> staticPrefixes) {
        this.translated = List.copyOf(translated);
        this.translatedSet = Set.copyOf(translated);
        this.staticPrefixes = List.copyOf(staticPrefixes);
    }

    static PublicAddresses of(OutsideConfig outside, List<Rule> rules) {
        Set<IPv4Address> translated = new LinkedHashSet<>(outside.publicAddresses());
        List<IPv4AddressWithMask> prefixes = new ArrayList<>();
        for (Rule r : rules) {
            if (r.form() instanceof RuleForm.Masquerade m) {
                translated.addAll(m.addresses());
            } else if (r.form() instanceof RuleForm.AddressPool p) {
                translated.addAll(p.addresses());
                p.fallback().ifPresent(translated::add);
            } else if (r.form() instanceof RuleForm.PortForward f) {
                translated.add(f.external());
            } else if (r.form() instanceof RuleForm.VirtualServer v) {
                translated.add(v.external().address());
            } else if (r.form() instanceof RuleForm.StaticNat s) {
                prefixes.add(s.external());
            }
        }
        return new PublicAddresses(new ArrayList<>(translated), prefixes);
    }

    /** Addresses whose traffic the controller translates (ICMP, fragments, hairpins, first packets). */
    List<IPv4Address> translated() {
        return translated;
    }

    boolean isTranslated(IPv4Address a) {
        return translatedSet.contains(a);
    }

    List<IPv4AddressWithMask> staticPrefixes() {
        return staticPrefixes;
    }

    /** Whether the gateway answers ARP for {@code a} on the outside. */
    boolean owns(IPv4Address a) {
        if (translatedSet.contains(a)) {
            return true;
        }
        for (IPv4AddressWithMask p : staticPrefixes) {
            if (p.matches(a)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code a} is any of the gateway's public addresses, static ones included (never masqueraded). */
    boolean isPublic(IPv4Address a) {
        return owns(a);
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>();
        translated.forEach(a -> all.add(a.toString()));
        staticPrefixes.forEach(p -> all.add(Prefixes.label(p)));
        return all.toString();
    }
}
