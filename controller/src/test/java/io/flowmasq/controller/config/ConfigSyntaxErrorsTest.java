package io.flowmasq.controller.config;

import static io.flowmasq.controller.config.ConfigFixtures.MINIMAL;
import static io.flowmasq.controller.config.ConfigFixtures.errors;
import static io.flowmasq.controller.config.ConfigFixtures.with;
import static io.flowmasq.controller.config.ConfigFixtures.without;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes in the shape of the file: JSON syntax, unknown and repeated fields, wrong JSON types. */
class ConfigSyntaxErrorsTest {
    @Test
    void malformedJsonIsOneErrorWithGsonsLineAndColumn() {
        assertEquals(List.of("(file): not valid JSON: End of input at line 2 column 1 path $.switches[0]"),
                errors("{\"switches\": [\n"));
    }

    @Test
    void jsonExtensionsAreRejected() {
        assertEquals(List.of("(file): not valid JSON: comments, single quotes, unquoted text and a second value"
                        + " are not allowed in JSON at line 1 column 2 path $"),
                errors("// gateway\n{}"));
    }

    @Test
    void trailingCommaIsRejected() {
        assertEquals(List.of("(file): not valid JSON: Expected name at line 1 column 29 path $.openflow.port"),
                errors("{\"openflow\": {\"port\": 6653,}, \"x\": }"));
    }

    @Test
    void emptyFile() {
        assertEquals(List.of("(file): is empty; expected a JSON object"), errors(" \n"));
    }

    @Test
    void topLevelMustBeAnObject() {
        assertEquals(List.of("(file): [1,2] is not an object"), errors("[1, 2]"));
    }

    @Test
    void unknownFieldIsNamedWithItsPath() {
        String misspelt = with(without(MINIMAL, "switches[0].outside"), "switches[0].outsde", "{}");
        assertEquals(List.of("switches[0].outsde: unknown field", "switches[0].outside: required"), errors(misspelt));
    }

    @Test
    void fieldWrittenTwiceIsAnError() {
        String twice = MINIMAL.replaceFirst("\\{\"switches\"", "{\"timers\": {\"udp\": 300, \"udp\": 30}, \"switches\"");
        assertEquals(List.of("timers.udp: field appears twice"), errors(twice));
    }

    @Test
    void objectExpected() {
        assertEquals(List.of("openflow: 6653 is not an object"), errors(with(MINIMAL, "openflow", "6653")));
    }

    @Test
    void arrayExpected() {
        assertEquals(List.of("switches[0].inside: {\"ports\":[1]} is not an array"),
                errors(with(MINIMAL, "switches[0].inside", "{\"ports\": [1]}")));
    }

    @Test
    void stringExpected() {
        assertEquals(List.of("switches[0].name: 1 is not a string"), errors(with(MINIMAL, "switches[0].name", "1")));
    }

    @Test
    void nullIsAWrongTypeNotAnAbsentField() {
        assertEquals(List.of("switches[0].outside.nextHop: null is not a string"),
                errors(with(MINIMAL, "switches[0].outside.nextHop", "null")));
    }

    @Test
    void numberExpectedNamesTheRange() {
        assertEquals(List.of("openflow.port: \"6653\" is not a port number (0..65535)"),
                errors(with(MINIMAL, "openflow", "{\"port\": \"6653\"}")));
    }

    @Test
    void fractionIsNotAWholeNumber() {
        assertEquals(List.of("timers.icmp: 1.5 is not a timeout in seconds (1..65535)"),
                errors(with(MINIMAL, "timers", "{\"icmp\": 1.5}")));
    }

    @Test
    void longValuesAreShortenedInMessages() {
        String big = "\"" + "x".repeat(100) + "\"";
        assertEquals(List.of("switches[0].dpid: \"" + "x".repeat(56) + "... is not a datapath id"
                        + " (like \"00:00:00:00:00:00:00:01\" or \"0000000000000001\")"),
                errors(with(MINIMAL, "switches[0].dpid", big)));
    }

    @Test
    void everyMistakeIsReportedNotJustTheFirst() {
        String json = with(with(with(MINIMAL, "openflow", "{\"port\": 70000}"), "rest", "{\"address\": \"localhost\"}"),
                "switches[0].outside.nextHop", "\"203.0.113.x\"");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(json));
        assertEquals(List.of(
                "openflow.port: 70000 is not a port number (0..65535)",
                "rest.address: \"localhost\" is not an IPv4 address",
                "switches[0].outside.nextHop: \"203.0.113.x\" is not an IPv4 address"), e.errors());
        assertEquals(String.join("\n", e.errors()), e.getMessage());
    }

    @Test
    void unreadableFile(@TempDir Path dir) {
        Path missing = dir.resolve("missing.json");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertEquals(List.of(missing + ": cannot be read (java.nio.file.NoSuchFileException: " + missing + ")"),
                e.errors());
    }
}
