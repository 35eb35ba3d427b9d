package io.flowmasq.flowcompiler.rules;

import io.flowmasq.flowcompiler.Protocol;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The protocol a rule matches: any, or one of TCP, UDP, ICMP. */
public enum RuleProtocol {
    ANY(-1), TCP(6), UDP(17), ICMP(1);

    private final int number;

    RuleProtocol(int number) {
        this.number = number;
    }

    public boolean matches(int ipProtocol) {
        return this == ANY || number == ipProtocol;
    }

    public boolean covers(RuleProtocol other) {
        return this == ANY || this == other;
    }

    public boolean overlaps(RuleProtocol other) {
        return this == ANY || other == ANY || this == other;
    }

    public boolean hasPorts() {
        return this == TCP || this == UDP;
    }

    /** The IP protocol number; -1 for ANY. */
    public int number() {
        return number;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<RuleProtocol> byLabel(String label) {
        return Arrays.stream(values()).filter(p -> p.label().equals(label)).findFirst();
    }

    public static RuleProtocol of(Protocol p) {
        return p == Protocol.TCP ? TCP : UDP;
    }
}
