package io.flowmasq.controller.config;

import static io.flowmasq.controller.config.ConfigFixtures.MINIMAL;
import static io.flowmasq.controller.config.ConfigFixtures.errors;
import static io.flowmasq.controller.config.ConfigFixtures.valid;
import static io.flowmasq.controller.config.ConfigFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A switch's {@code onTableFull}: what the first packet of a binding the flow table had no room for gets. */
class ConfigOnTableFullTest {
    private static final String PATH = "switches[0].onTableFull";

    private static TableFullPolicy policyOf(String value) {
        return valid(with(MINIMAL, PATH, value)).config().switches().get(0).onTableFull();
    }

    @Test
    void icmpByDefault() {
        assertEquals(TableFullPolicy.ICMP, valid(MINIMAL).config().switches().get(0).onTableFull());
    }

    @Test
    void eachPolicyByName() {
        assertEquals(TableFullPolicy.ICMP, policyOf("\"icmp\""));
        assertEquals(TableFullPolicy.DROP, policyOf("\"drop\""));
    }

    @Test
    void mistakesAreNamed() {
        assertEquals(List.of(PATH + ": \"evict\" is not a table-full policy (\"icmp\" or \"drop\")"),
                errors(with(MINIMAL, PATH, "\"evict\"")));
        assertEquals(List.of(PATH + ": \"ICMP\" is not a table-full policy (\"icmp\" or \"drop\")"),
                errors(with(MINIMAL, PATH, "\"ICMP\"")));
        assertEquals(List.of(PATH + ": true is not a string"), errors(with(MINIMAL, PATH, "true")));
    }

    @Test
    void shownInTheEffectiveConfig() {
        FlowmasqConfig c = valid(with(MINIMAL, PATH, "\"drop\"")).config();
        assertEquals("drop", EffectiveConfig.toJson(c).getAsJsonArray("switches").get(0).getAsJsonObject()
                .get("onTableFull").getAsString());
    }
}
