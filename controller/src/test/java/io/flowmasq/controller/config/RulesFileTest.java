package io.flowmasq.controller.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import io.flowmasq.controller.nat.rules.RuleJson;
import io.flowmasq.flowcompiler.rules.Rule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.projectfloodlight.openflow.types.DatapathId;

/** The rules file: read at load in place of the config file's chains, written atomically, errors named by path. */
class RulesFileTest {
    private static final DatapathId S1 = DatapathId.of("00:00:00:00:00:00:00:01");
    private static final DatapathId S2 = DatapathId.of("00:00:00:00:00:00:00:02");
    /** Two switches: s1 with two rules, s2 with the implicit one. */
    private static final String CONFIG = """
            {"rulesFile": "%s", "switches": [
              {"dpid": "00:00:00:00:00:00:00:01",
               "inside": [{"ports": [1, 2], "gateway": "10.0.0.1/24"}],
               "outside": {"port": 3, "address": "203.0.113.1/24", "nextHop": "203.0.113.10"},
               "rules": [
                 {"id": "web", "type": "portForward", "protocol": "tcp", "public": "203.0.113.1:8080",
                  "inside": "10.0.0.13:8080"},
                 {"id": "lan", "type": "masquerade"}]},
              {"dpid": "00:00:00:00:00:00:00:02",
               "inside": [{"ports": [1, 2], "gateway": "10.1.0.1/24"}],
               "outside": {"port": 3, "address": "198.51.100.1/24", "nextHop": "198.51.100.10"}}]}""";
    private static final String SSH = """
            {"id": "ssh", "type": "portForward", "protocol": "tcp", "public": "203.0.113.1:2222",
             "inside": "10.0.0.12:22"}""";

    @TempDir
    Path dir;

    private Path config(String rulesFile) throws IOException {
        Path file = dir.resolve("flowmasq.json");
        Files.writeString(file, CONFIG.formatted(rulesFile));
        return file;
    }

    private Path rules(String json) throws IOException {
        Path file = dir.resolve("rules.json");
        Files.writeString(file, json);
        return file;
    }

    private List<String> errors() {
        return assertThrows(ConfigException.class, () -> ConfigLoader.validate(dir.resolve("flowmasq.json")))
                .errors();
    }

    private static List<String> ids(List<Rule> rules) {
        return rules.stream().map(Rule::id).toList();
    }

    @Test
    void aRelativePathIsUnderTheConfigFilesDirectoryAndAMissingFileKeepsTheConfigChains() throws Exception {
        ValidatedConfig v = ConfigLoader.validate(config("rules.json"));
        assertEquals(dir.toAbsolutePath().resolve("rules.json"), v.config().rulesFile().orElseThrow());
        assertEquals(List.of("web", "lan"), ids(v.config().switches().get(0).rules()));
        assertEquals(List.of(), v.notes());
        assertEquals(dir.toAbsolutePath().resolve("rules.json").toString(),
                EffectiveConfig.toJson(v.config()).get("rulesFile").getAsString());
    }

    @Test
    void withoutTheKeyThereIsNoRulesFileAndTheEffectiveConfigShowsNone() throws Exception {
        FlowmasqConfig c = ConfigFixtures.valid(ConfigFixtures.MINIMAL).config();
        assertTrue(c.rulesFile().isEmpty());
        assertFalse(EffectiveConfig.toJson(c).has("rulesFile"));
    }

    @Test
    void anEmptyPathIsAConfigError() {
        assertEquals(List.of("rulesFile: must not be empty"),
                ConfigFixtures.errors(ConfigFixtures.with(ConfigFixtures.MINIMAL, "rulesFile", "\" \"")));
        assertEquals(List.of("rulesFile: 3 is not a string"),
                ConfigFixtures.errors(ConfigFixtures.with(ConfigFixtures.MINIMAL, "rulesFile", "3")));
    }

    @Test
    void theFilesChainReplacesTheConfigChainOfItsSwitchOnlyNumberedAfterEveryConfigRule() throws Exception {
        rules("""
                {"version": 1, "switches": [{"dpid": "00:00:00:00:00:00:00:01", "rules": [%s,
                  {"id": "lan", "type": "masquerade"}]}]}""".formatted(SSH));
        ValidatedConfig v = ConfigLoader.validate(config("rules.json"));
        List<Rule> s1 = v.config().switches().get(0).rules();
        assertEquals(List.of("ssh", "lan"), ids(s1));
        assertEquals(List.of("masquerade"), ids(v.config().switches().get(1).rules()));
        // config rules took 1..3 (web, lan, s2's implicit one): the file's follow
        assertEquals(List.of(4, 5), s1.stream().map(Rule::number).toList());
        assertEquals(List.of("switch 00:00:00:00:00:00:00:01 (s1): 2 rule(s) from " + dir.toAbsolutePath()
                .resolve("rules.json") + " instead of the config file's"), v.notes());
    }

    @Test
    void aRuleKeepsItsStatedNumberUnlessAKeptRuleHasIt() throws Exception {
        // 3 is s2's implicit rule, kept from the config file: ssh gets a fresh number instead
        rules("""
                {"version": 1, "switches": [{"dpid": "00:00:00:00:00:00:00:01", "rules": [%s,
                  {"id": "lan", "type": "masquerade", "number": 9}]}]}""".formatted(
                SSH.replace("\"id\"", "\"number\": 3, \"id\"")));
        List<Rule> s1 = ConfigLoader.validate(config("rules.json")).config().switches().get(0).rules();
        assertEquals(List.of("ssh", "lan"), ids(s1));
        assertEquals(List.of(10, 9), s1.stream().map(Rule::number).toList());
        rules("""
                {"version": 1, "switches": [{"dpid": "00:00:00:00:00:00:00:01", "rules": [
                  {"id": "lan", "type": "masquerade", "number": 0}]}]}""");
        assertEquals(List.of(dir.toAbsolutePath().resolve("rules.json") + ": switches[0].rules[0].number: 0 is not"
                + " a rule number (1..8388607)"), errors());
    }

    @Test
    void aSwitchTheConfigDoesNotHaveIsAWarningAndIgnored() throws Exception {
        Path file = rules("""
                {"version": 1, "switches": [{"dpid": "00:00:00:00:00:00:00:09", "rules": [%s]}]}""".formatted(SSH));
        ValidatedConfig v = ConfigLoader.validate(config("rules.json"));
        assertEquals(List.of("web", "lan"), ids(v.config().switches().get(0).rules()));
        assertEquals(List.of(file.toAbsolutePath() + ": switches[0].dpid: switch 00:00:00:00:00:00:00:09 is not in"
                + " the configuration; its rules are ignored"), v.warnings());
        assertEquals(List.of(), v.notes());
    }

    @Test
    void writtenChainsReadBackAsTheSameRulesEveryFormIncluded() throws Exception {
        FlowmasqConfig example = ConfigLoader.validate(Path.of("..", "examples", "rules.json")).config();
        List<Rule> all = example.switches().get(0).rules();
        // s1 of this test's config owns 203.0.113.1/24, like the example's switch: its chain fits
        Map<DatapathId, List<Rule>> chains = new LinkedHashMap<>();
        chains.put(S1, all);
        chains.put(S2, List.of(SwitchConfig.implicitRule(1)));
        RulesFile.write(dir.resolve("rules.json"), chains);
        Path configFile = dir.resolve("flowmasq.json");
        String exampleSwitch = JsonParser.parseString(Files.readString(Path.of("..", "examples", "rules.json")))
                .getAsJsonObject().getAsJsonArray("switches").get(0).toString();
        Files.writeString(configFile, "{\"rulesFile\": \"rules.json\", \"switches\": [" + exampleSwitch + "]}");
        ValidatedConfig v = ConfigLoader.validate(configFile);
        List<Rule> read = v.config().switches().get(0).rules();
        assertEquals(all.stream().map(RuleJson::toJson).toList(), read.stream().map(RuleJson::toJson).toList());
        assertEquals(all.stream().map(Rule::number).toList(), read.stream().map(Rule::number).toList());
        assertEquals(1, v.warnings().size()); // s2 is not in this config
    }

    @Test
    void malformedJsonNamesTheFile() throws Exception {
        Path file = rules("{\"version\": 1, \"switches\": [");
        config("rules.json");
        List<String> errors = errors();
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith(file.toAbsolutePath() + ": not valid JSON: "), errors.get(0));
    }

    @Test
    void aBadFieldIsNamedByFileAndJsonPath() throws Exception {
        Path file = rules("""
                {"version": 1, "switches": [{"dpid": "00:00:00:00:00:00:00:01", "rules": [
                  {"id": "lan", "type": "masquerade"},
                  {"id": "x", "type": "portForward", "protocol": "tcp", "public": "203.0.113.1:99999",
                   "inside": "10.0.0.12:22"}]}]}""");
        config("rules.json");
        List<String> errors = errors();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith(file.toAbsolutePath() + ": switches[0].rules[1].public: "),
                errors.get(0));
    }

    @Test
    void anInvalidChainIsRefusedAtTheRuleAtFault() throws Exception {
        Path file = rules("""
                {"version": 1, "switches": [{"dpid": "00:00:00:00:00:00:00:01", "rules": [%s, %s]}]}"""
                .formatted(SSH, SSH.replace("2222", "2223")));
        config("rules.json");
        List<String> errors = errors();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith(file.toAbsolutePath() + ": switches[0].rules[1]"), errors.get(0));
    }

    @Test
    void theVersionAndTheShapeAreChecked() throws Exception {
        Path file = rules("""
                {"version": 2, "switches": [{"dpid": "00:00:00:00:00:00:00:01", "rules": [], "extra": 1}]}""");
        config("rules.json");
        List<String> errors = errors();
        String f = file.toAbsolutePath() + ": ";
        assertEquals(List.of(f + "version: 2 is not a rules file version this controller reads (1..1)"), errors);
        rules("""
                {"version": 1, "switches": [{"dpid": "00:00:00:00:00:00:00:01", "rules": []},
                  {"dpid": "00:00:00:00:00:00:00:01", "rules": [%s]}]}""".formatted(SSH));
        errors = errors();
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith(f + "switches[0].rules: "), errors.get(0));
        assertTrue(errors.get(1).startsWith(f + "switches[1].dpid: "), errors.get(1));
    }

    @Test
    void theTempFileIsWrittenWholeAndRenamedOverTheOldOne() throws Exception {
        Path file = rules("old");
        AtomicReference<String> seenTemp = new AtomicReference<>();
        AtomicReference<String> seenTarget = new AtomicReference<>();
        AtomicReference<Path> temp = new AtomicReference<>();
        RulesFile.write(file, "new content\n", t -> {
            temp.set(t);
            try {
                seenTemp.set(Files.readString(t));
                seenTarget.set(Files.readString(file));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(dir.toAbsolutePath(), temp.get().getParent());
        assertEquals("new content\n", seenTemp.get());
        assertEquals("old", seenTarget.get()); // until the rename the old file is whole
        assertEquals("new content\n", Files.readString(file, StandardCharsets.UTF_8));
        assertFalse(Files.exists(temp.get()));
        assertEquals(List.of(file.getFileName()), listing());
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTempFile() throws Exception {
        Path file = rules("old");
        assertThrows(IllegalStateException.class, () -> RulesFile.write(file, "new", t -> {
            throw new IllegalStateException("crash before the rename");
        }));
        assertEquals("old", Files.readString(file));
        assertEquals(List.of(file.getFileName()), listing());
        assertThrows(IOException.class, () -> RulesFile.write(dir.resolve("missing/rules.json"), Map.of()));
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.map(Path::getFileName).filter(p -> !p.toString().equals("flowmasq.json"))
                    .toList());
        }
    }
}
