package io.flowmasq.controller.config;

import static io.flowmasq.controller.config.ConfigFixtures.MINIMAL;
import static io.flowmasq.controller.config.ConfigFixtures.errors;
import static io.flowmasq.controller.config.ConfigFixtures.valid;
import static io.flowmasq.controller.config.ConfigFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A switch's {@code filtering}: the three modes, the default, and the mistakes. */
class ConfigFilteringTest {
    private static final String PATH = "switches[0].filtering";

    private static Filtering filteringOf(String value) {
        return valid(with(MINIMAL, PATH, value)).config().switches().get(0).filtering();
    }

    @Test
    void addressAndPortDependentByDefault() {
        assertEquals(Filtering.ADDRESS_AND_PORT_DEPENDENT, valid(MINIMAL).config().switches().get(0).filtering());
    }

    @Test
    void eachModeByName() {
        assertEquals(Filtering.ENDPOINT_INDEPENDENT, filteringOf("\"endpoint-independent\""));
        assertEquals(Filtering.ADDRESS_DEPENDENT, filteringOf("\"address-dependent\""));
        assertEquals(Filtering.ADDRESS_AND_PORT_DEPENDENT, filteringOf("\"address-and-port-dependent\""));
    }

    @Test
    void anUnknownModeIsNamed() {
        assertEquals(List.of(PATH + ": \"symmetric\" is not a filtering mode (\"endpoint-independent\","
                        + " \"address-dependent\" or \"address-and-port-dependent\")"),
                errors(with(MINIMAL, PATH, "\"symmetric\"")));
    }

    @Test
    void aWrongTypeIsNamed() {
        assertEquals(List.of(PATH + ": 1 is not a string"), errors(with(MINIMAL, PATH, "1")));
    }
}
