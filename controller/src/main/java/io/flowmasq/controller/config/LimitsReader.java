package io.flowmasq.controller.config;

import java.util.Set;

/** Reads a switch's {@code limits} object; every field is optional and starts from {@link LimitsConfig#DEFAULT}. */
final class LimitsReader {
    /** Large enough for any real rate or count, small enough that the token arithmetic stays exact. */
    static final int MAX = 10_000_000;
    private static final Set<String> FIELDS = Set.of("bindingsPerHost", "newBindingsPerSecond", "newBindingsBurst",
            "penaltySeconds", "packetInsPerSecond", "packetInBurst", "meterPacketsPerSecond", "meterBurst");

    private LimitsReader() {
    }

    /** The limits at {@code node}; the defaults when absent; null when wrong (each mistake reported). */
    static LimitsConfig read(ConfigNode node) {
        LimitsConfig d = LimitsConfig.DEFAULT;
        if (node == null) {
            return d;
        }
        ConfigObject fields = node.object(FIELDS);
        if (fields == null) {
            return null;
        }
        Integer bindings = number(fields.optional("bindingsPerHost"), d.bindingsPerHost(), 0, MAX,
                "a number of bindings, 0 for no limit");
        Integer rate = number(fields.optional("newBindingsPerSecond"), d.newBindingsPerSecond(), 0, MAX,
                "a rate per second, 0 for no limit");
        Integer burst = number(fields.optional("newBindingsBurst"), d.newBindingsBurst(), 1, MAX, "a burst size");
        Integer penalty = number(fields.optional("penaltySeconds"), d.penaltySeconds(), 0, 65535,
                "a time in seconds, 0 for no penalty flow");
        Integer budget = number(fields.optional("packetInsPerSecond"), d.packetInsPerSecond(), 0, MAX,
                "a rate per second, 0 for no budget");
        Integer budgetBurst = number(fields.optional("packetInBurst"), d.packetInBurst(), 1, MAX, "a burst size");
        Integer meter = number(fields.optional("meterPacketsPerSecond"), d.meterPacketsPerSecond(), 0, MAX,
                "a rate per second, 0 for no meter");
        Integer meterBurst = number(fields.optional("meterBurst"), d.meterBurst(), 1, MAX, "a burst size");
        if (bindings == null || rate == null || burst == null || penalty == null || budget == null
                || budgetBurst == null || meter == null || meterBurst == null) {
            return null;
        }
        return new LimitsConfig(bindings, rate, burst, penalty, budget, budgetBurst, meter, meterBurst);
    }

    private static Integer number(ConfigNode node, int fallback, int min, int max, String what) {
        if (node == null) {
            return fallback;
        }
        Long value = node.integer(min, max, what);
        return value == null ? null : value.intValue();
    }
}
