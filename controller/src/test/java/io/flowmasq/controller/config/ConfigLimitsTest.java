package io.flowmasq.controller.config;

import static io.flowmasq.controller.config.ConfigFixtures.MINIMAL;
import static io.flowmasq.controller.config.ConfigFixtures.errors;
import static io.flowmasq.controller.config.ConfigFixtures.valid;
import static io.flowmasq.controller.config.ConfigFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A switch's {@code limits}: per-host quotas, the packet-in budget and the packet-in meter. */
class ConfigLimitsTest {
    private static final String PATH = "switches[0].limits";

    private static LimitsConfig limitsOf(String value) {
        return valid(with(MINIMAL, PATH, value)).config().switches().get(0).limits();
    }

    @Test
    void defaultsWhenAbsent() {
        LimitsConfig l = valid(MINIMAL).config().switches().get(0).limits();
        assertEquals(LimitsConfig.DEFAULT, l);
        assertEquals(new LimitsConfig(16_384, 1_000, 2_000, 5, 20_000, 20_000, 10_000, 10_000), l);
        assertEquals(LimitsConfig.DEFAULT, limitsOf("{}"));
    }

    @Test
    void eachFieldOverridesItsDefault() {
        assertEquals(new LimitsConfig(1000, 50, 100, 3, 5000, 6000, 700, 800), limitsOf("""
                {"bindingsPerHost": 1000, "newBindingsPerSecond": 50, "newBindingsBurst": 100, "penaltySeconds": 3,
                 "packetInsPerSecond": 5000, "packetInBurst": 6000, "meterPacketsPerSecond": 700, "meterBurst": 800}
                """));
        assertEquals(LimitsConfig.DEFAULT.withBindingsPerHost(1000), limitsOf("{\"bindingsPerHost\": 1000}"));
    }

    @Test
    void zeroTurnsALimitOff() {
        LimitsConfig l = limitsOf("""
                {"bindingsPerHost": 0, "newBindingsPerSecond": 0, "penaltySeconds": 0, "packetInsPerSecond": 0,
                 "meterPacketsPerSecond": 0}
                """);
        assertEquals(false, l.quotaOn() || l.hostRateOn() || l.budgetOn() || l.meterOn());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals(List.of(PATH + ": 5 is not an object"), errors(with(MINIMAL, PATH, "5")));
        assertEquals(List.of(PATH + ".perHost: unknown field"), errors(with(MINIMAL, PATH, "{\"perHost\": 5}")));
        assertEquals(List.of(PATH + ".bindingsPerHost: -1 is not a number of bindings, 0 for no limit (0..10000000)"),
                errors(with(MINIMAL, PATH, "{\"bindingsPerHost\": -1}")));
        assertEquals(List.of(PATH + ".newBindingsPerSecond: 2.5 is not a rate per second, 0 for no limit"
                        + " (0..10000000)"),
                errors(with(MINIMAL, PATH, "{\"newBindingsPerSecond\": 2.5}")));
        assertEquals(List.of(PATH + ".newBindingsBurst: 0 is not a burst size (1..10000000)"),
                errors(with(MINIMAL, PATH, "{\"newBindingsBurst\": 0}")));
        assertEquals(List.of(PATH + ".penaltySeconds: 70000 is not a time in seconds, 0 for no penalty flow"
                        + " (0..65535)"),
                errors(with(MINIMAL, PATH, "{\"penaltySeconds\": 70000}")));
        assertEquals(List.of(PATH + ".packetInsPerSecond: \"1k\" is not a rate per second, 0 for no budget"
                        + " (0..10000000)", PATH + ".meterBurst: 0 is not a burst size (1..10000000)"),
                errors(with(MINIMAL, PATH, "{\"packetInsPerSecond\": \"1k\", \"meterBurst\": 0}")));
    }

    @Test
    void shownInTheEffectiveConfig() {
        var json = EffectiveConfig.toJson(valid(with(MINIMAL, PATH, "{\"bindingsPerHost\": 1000}")).config());
        var limits = json.getAsJsonArray("switches").get(0).getAsJsonObject().getAsJsonObject("limits");
        assertEquals(1000, limits.get("bindingsPerHost").getAsInt());
        assertEquals(1000, limits.get("newBindingsPerSecond").getAsInt());
        assertEquals(2000, limits.get("newBindingsBurst").getAsInt());
        assertEquals(5, limits.get("penaltySeconds").getAsInt());
        assertEquals(20_000, limits.get("packetInsPerSecond").getAsInt());
        assertEquals(20_000, limits.get("packetInBurst").getAsInt());
        assertEquals(10_000, limits.get("meterPacketsPerSecond").getAsInt());
        assertEquals(10_000, limits.get("meterBurst").getAsInt());
    }
}
