package io.flowmasq.controller.config;

import static io.flowmasq.controller.config.ConfigFixtures.MINIMAL;
import static io.flowmasq.controller.config.ConfigFixtures.errors;
import static io.flowmasq.controller.config.ConfigFixtures.valid;
import static io.flowmasq.controller.config.ConfigFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** A switch's {@code mssClamp} and its outside {@code mtu}: values that load, and one test per kind of mistake. */
class ConfigMssClampTest {
    private static final String S0 = "switches[0].";

    private static SwitchConfig switchWith(String path, String value) {
        return valid(with(MINIMAL, S0 + path, value)).config().switches().get(0);
    }

    private static List<String> errorsWith(String path, String value) {
        return errors(with(MINIMAL, S0 + path, value));
    }

    @Test
    void offByDefaultAndTheOutsideMtuIs1500() {
        SwitchConfig s = valid(MINIMAL).config().switches().get(0);
        assertEquals(OptionalInt.empty(), s.mssClamp());
        assertEquals(1500, s.outside().mtu());
    }

    @Test
    void aNumberIsTheClamp() {
        assertEquals(OptionalInt.of(1360), switchWith("mssClamp", "1360").mssClamp());
    }

    @Test
    void theRangeEndsAreAccepted() {
        assertEquals(OptionalInt.of(536), switchWith("mssClamp", "536").mssClamp());
        assertEquals(OptionalInt.of(65495), switchWith("mssClamp", "65495").mssClamp());
    }

    @Test
    void autoIsTheDefaultMtuLess40() {
        assertEquals(OptionalInt.of(1460), switchWith("mssClamp", "\"auto\"").mssClamp());
    }

    @Test
    void autoFollowsTheConfiguredOutsideMtu() {
        String json = with(with(MINIMAL, S0 + "mssClamp", "\"auto\""), S0 + "outside.mtu", "1400");
        SwitchConfig s = valid(json).config().switches().get(0);
        assertEquals(1400, s.outside().mtu());
        assertEquals(OptionalInt.of(1360), s.mssClamp());
    }

    @Test
    void theMtuRangeEndsAreAccepted() {
        assertEquals(OptionalInt.of(536),
                valid(with(with(MINIMAL, S0 + "mssClamp", "\"auto\""), S0 + "outside.mtu", "576"))
                        .config().switches().get(0).mssClamp());
        assertEquals(9216, switchWith("outside.mtu", "9216").outside().mtu());
    }

    @Test
    void mssBelowTheMinimum() {
        assertEquals(List.of("switches[0].mssClamp: 535 is not \"auto\" or an MSS in bytes (536..65495)"),
                errorsWith("mssClamp", "535"));
    }

    @Test
    void mssAboveTheMaximum() {
        assertEquals(List.of("switches[0].mssClamp: 65496 is not \"auto\" or an MSS in bytes (536..65495)"),
                errorsWith("mssClamp", "65496"));
    }

    @Test
    void mssNotAWholeNumber() {
        assertEquals(List.of("switches[0].mssClamp: 1360.5 is not \"auto\" or an MSS in bytes (536..65495)"),
                errorsWith("mssClamp", "1360.5"));
    }

    @Test
    void mssAsAStringOfDigits() {
        assertEquals(List.of("switches[0].mssClamp: \"1360\" is not \"auto\" or an MSS in bytes (536..65495)"),
                errorsWith("mssClamp", "\"1360\""));
    }

    @Test
    void mssOtherWord() {
        assertEquals(List.of("switches[0].mssClamp: \"Auto\" is not \"auto\" or an MSS in bytes (536..65495)"),
                errorsWith("mssClamp", "\"Auto\""));
    }

    /** Like every field: {@code null} is a wrong type, not "off"; leaving the field out is. */
    @Test
    void mssNull() {
        assertEquals(List.of("switches[0].mssClamp: null is not \"auto\" or an MSS in bytes (536..65495)"),
                errorsWith("mssClamp", "null"));
    }

    @Test
    void mssBoolean() {
        assertEquals(List.of("switches[0].mssClamp: false is not \"auto\" or an MSS in bytes (536..65495)"),
                errorsWith("mssClamp", "false"));
    }

    @Test
    void mtuBelowTheMinimum() {
        assertEquals(List.of("switches[0].outside.mtu: 575 is not an MTU in bytes (576..9216)"),
                errorsWith("outside.mtu", "575"));
    }

    @Test
    void mtuAboveTheMaximum() {
        assertEquals(List.of("switches[0].outside.mtu: 9217 is not an MTU in bytes (576..9216)"),
                errorsWith("outside.mtu", "9217"));
    }

    @Test
    void mtuAsAString() {
        assertEquals(List.of("switches[0].outside.mtu: \"1500\" is not an MTU in bytes (576..9216)"),
                errorsWith("outside.mtu", "\"1500\""));
    }

    @Test
    void mistakesInBothAreReportedTogether() {
        String json = with(with(MINIMAL, S0 + "mssClamp", "100"), S0 + "outside.mtu", "100");
        assertEquals(List.of("switches[0].outside.mtu: 100 is not an MTU in bytes (576..9216)",
                "switches[0].mssClamp: 100 is not \"auto\" or an MSS in bytes (536..65495)"), errors(json));
    }

    @Test
    void autoWithAWrongMtuReportsOnlyTheMtu() {
        String json = with(with(MINIMAL, S0 + "mssClamp", "\"auto\""), S0 + "outside.mtu", "70000");
        assertEquals(List.of("switches[0].outside.mtu: 70000 is not an MTU in bytes (576..9216)"), errors(json));
    }

    @Test
    void recordsRefuseValuesOutsideTheirRanges() {
        SwitchConfig s = valid(MINIMAL).config().switches().get(0);
        OutsideConfig o = s.outside();
        assertThrows(IllegalArgumentException.class, () -> new OutsideConfig(o.port(), o.address(),
                o.prefixLength(), o.publicAddresses(), o.mac(), o.nextHop(), 575));
        assertThrows(IllegalArgumentException.class, () -> new SwitchConfig(s.dpid(), s.name(), s.inside(), o,
                s.portRange(), s.timers(), OptionalInt.of(535)));
        assertThrows(IllegalArgumentException.class, () -> new SwitchConfig(s.dpid(), s.name(), s.inside(), o,
                s.portRange(), s.timers(), OptionalInt.of(65496)));
    }
}
