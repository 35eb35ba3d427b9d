package io.flowmasq.controller.config;

import static io.flowmasq.controller.config.ConfigFixtures.MINIMAL;
import static io.flowmasq.controller.config.ConfigFixtures.errors;
import static io.flowmasq.controller.config.ConfigFixtures.valid;
import static io.flowmasq.controller.config.ConfigFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A switch's {@code portReuseDelaySeconds}: how long a freed public port is kept from other inside endpoints. */
class ConfigPortReuseDelayTest {
    private static final String PATH = "switches[0].portReuseDelaySeconds";

    private static int delayOf(String value) {
        return valid(with(MINIMAL, PATH, value)).config().switches().get(0).portReuseDelaySeconds();
    }

    @Test
    void twoMinutesByDefault() {
        assertEquals(120, valid(MINIMAL).config().switches().get(0).portReuseDelaySeconds());
        assertEquals(120, SwitchConfig.DEFAULT_PORT_REUSE_DELAY_SECONDS);
    }

    @Test
    void zeroUpToAnHour() {
        assertEquals(0, delayOf("0"), "0 turns the delay off");
        assertEquals(5, delayOf("5"));
        assertEquals(3600, delayOf("3600"));
    }

    @Test
    void mistakesAreNamed() {
        assertEquals(List.of(PATH + ": -1 is not a delay in seconds (0..3600)"), errors(with(MINIMAL, PATH, "-1")));
        assertEquals(List.of(PATH + ": 3601 is not a delay in seconds (0..3600)"),
                errors(with(MINIMAL, PATH, "3601")));
        assertEquals(List.of(PATH + ": 1.5 is not a delay in seconds (0..3600)"), errors(with(MINIMAL, PATH, "1.5")));
        assertEquals(List.of(PATH + ": \"120\" is not a delay in seconds (0..3600)"),
                errors(with(MINIMAL, PATH, "\"120\"")));
        assertEquals(List.of(PATH + ": null is not a delay in seconds (0..3600)"),
                errors(with(MINIMAL, PATH, "null")));
    }

    @Test
    void theRecordRefusesValuesTheReaderWouldNot() {
        SwitchConfig s = valid(MINIMAL).config().switches().get(0);
        assertThrows(IllegalArgumentException.class, () -> s.withPortReuseDelaySeconds(-1));
        assertThrows(IllegalArgumentException.class, () -> s.withPortReuseDelaySeconds(3601));
        assertEquals(7, s.withPortReuseDelaySeconds(7).portReuseDelaySeconds());
    }

    @Test
    void shownInTheEffectiveConfig() {
        assertEquals(45, EffectiveConfig.toJson(valid(with(MINIMAL, PATH, "45")).config()).getAsJsonArray("switches")
                .get(0).getAsJsonObject().get("portReuseDelaySeconds").getAsInt());
    }
}
