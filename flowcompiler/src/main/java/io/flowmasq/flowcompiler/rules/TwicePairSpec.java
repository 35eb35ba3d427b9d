package io.flowmasq.flowcompiler.rules;

import io.flowmasq.flowcompiler.L2Hop;
import java.util.Objects;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * One (inside host, remote host) pair of a twice-NAT rule: inside, host {@code inside} talks to
 * {@code remoteAs}; outside, {@code insideAs} talks to {@code remote} ({@link RuleFlows#installTwicePair}).
 *
 * @param rule        the rule's number (cookie field)
 * @param entry       the pair's number within the rule, allocated by the engine (cookie field)
 * @param toInside    H's port, the gateway's inside MAC, H's MAC
 * @param toOutside   the outside port, the gateway's outside MAC, the next hop's MAC
 * @param idleTimeout seconds, on the outbound flow (the pair's clock, like a binding's); 0 = never expires
 */
public record TwicePairSpec(int rule, int entry, IPv4Address inside, IPv4Address insideAs, IPv4Address remote,
                            IPv4Address remoteAs, L2Hop toInside, L2Hop toOutside, int idleTimeout) {
    public TwicePairSpec {
        RuleCookies.flow(rule, entry); // checks both ranges
        if (entry > RuleCookies.MAX_ENTRY) {
            throw new IllegalArgumentException("pair entry out of range: " + entry);
        }
        Objects.requireNonNull(inside, "inside");
        Objects.requireNonNull(insideAs, "insideAs");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(remoteAs, "remoteAs");
        Objects.requireNonNull(toInside, "toInside");
        Objects.requireNonNull(toOutside, "toOutside");
        if (idleTimeout < 0 || idleTimeout > 65535) {
            throw new IllegalArgumentException("idle timeout must be 0..65535 s: " + idleTimeout);
        }
    }

    /**
     * The pair of inside host {@code host} and {@code remoteAs} (an address in {@code form.outsideAs}, as the
     * host sees the remote), host bits kept on both sides.
     */
    public static TwicePairSpec of(int rule, int entry, RuleForm.TwiceNat form, IPv4Address host,
                                   IPv4Address remoteAs, L2Hop toInside, L2Hop toOutside, int idleTimeout) {
        IPv4Address insideAs = Prefixes.at(form.insideAs(), Prefixes.offsetOf(form.inside(), host));
        IPv4Address remote = Prefixes.at(form.outside(), Prefixes.offsetOf(form.outsideAs(), remoteAs));
        return new TwicePairSpec(rule, entry, host, insideAs, remote, remoteAs, toInside, toOutside, idleTimeout);
    }
}
