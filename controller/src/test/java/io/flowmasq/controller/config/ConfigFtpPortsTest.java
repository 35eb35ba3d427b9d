package io.flowmasq.controller.config;

import static io.flowmasq.controller.config.ConfigFixtures.MINIMAL;
import static io.flowmasq.controller.config.ConfigFixtures.errors;
import static io.flowmasq.controller.config.ConfigFixtures.valid;
import static io.flowmasq.controller.config.ConfigFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A switch's {@code ftpPorts}: the control ports the FTP ALG follows. */
class ConfigFtpPortsTest {
    private static final String PATH = "switches[0].ftpPorts";

    private static Set<Integer> portsOf(String value) {
        return valid(with(MINIMAL, PATH, value)).config().switches().get(0).ftpPorts();
    }

    @Test
    void port21ByDefault() {
        assertEquals(Set.of(21), valid(MINIMAL).config().switches().get(0).ftpPorts());
    }

    @Test
    void severalPortsOrNone() {
        assertEquals(Set.of(21, 2121), portsOf("[21, 2121]"));
        assertEquals(Set.of(), portsOf("[]"), "[] turns the ALG off");
    }

    @Test
    void mistakesAreNamed() {
        assertEquals(List.of(PATH + ": 21 is not an array"), errors(with(MINIMAL, PATH, "21")));
        assertEquals(List.of(PATH + "[1]: 0 is not a port number (1..65535)"),
                errors(with(MINIMAL, PATH, "[21, 0]")));
        assertEquals(List.of(PATH + "[0]: \"21\" is not a port number (1..65535)"),
                errors(with(MINIMAL, PATH, "[\"21\"]")));
        assertEquals(List.of(PATH + "[1]: 21 is listed twice"), errors(with(MINIMAL, PATH, "[21, 21]")));
    }
}
