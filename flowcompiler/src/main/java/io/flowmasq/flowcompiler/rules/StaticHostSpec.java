package io.flowmasq.flowcompiler.rules;

import io.flowmasq.flowcompiler.L2Hop;
import java.util.Objects;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * One inside host of a static or netmap rule, once its port and MAC are known: the switch maps
 * {@code inside} onto {@code external} in both directions with two flows ({@link RuleFlows#installStaticHost}).
 *
 * @param rule      the rule's number (cookie field)
 * @param entry     the host's offset in the rule's inside prefix (cookie field)
 * @param toInside  H's port, the gateway's inside MAC, H's MAC
 * @param toOutside the outside port, the gateway's outside MAC, the next hop's MAC
 * @param protocol  the rule's {@code match.protocol}; ANY = all IPv4
 * @param remotes   the rule's {@code match.outside}; 0.0.0.0/0 = any remote
 */
public record StaticHostSpec(int rule, int entry, IPv4Address inside, IPv4Address external, L2Hop toInside,
                             L2Hop toOutside, RuleProtocol protocol, IPv4AddressWithMask remotes) {
    public StaticHostSpec {
        RuleCookies.flow(rule, entry); // checks both ranges
        if (entry > RuleCookies.MAX_ENTRY) {
            throw new IllegalArgumentException("host entry out of range: " + entry);
        }
        Objects.requireNonNull(inside, "inside");
        Objects.requireNonNull(external, "external");
        Objects.requireNonNull(toInside, "toInside");
        Objects.requireNonNull(toOutside, "toOutside");
        Objects.requireNonNull(protocol, "protocol");
        remotes = Prefixes.normalise(Objects.requireNonNull(remotes, "remotes"));
    }

    /** Host {@code host} of static/netmap rule {@code rule} (number) with form {@code form} and match {@code match}. */
    public static StaticHostSpec of(int rule, RuleForm.StaticNat form, RuleMatch match, IPv4Address host,
                                    L2Hop toInside, L2Hop toOutside) {
        long offset = Prefixes.offsetOf(form.inside(), host);
        return new StaticHostSpec(rule, (int) offset, host, form.externalOf(host), toInside, toOutside,
                match.protocol(), match.outside());
    }
}
