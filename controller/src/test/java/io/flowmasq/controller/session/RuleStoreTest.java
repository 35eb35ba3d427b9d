package io.flowmasq.controller.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flowmasq.controller.config.FlowmasqConfig;
import io.flowmasq.controller.config.ListenConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.controller.nat.rules.RuleNumbers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runtime rule changes through {@link SessionRuleService} written to the rules file, and the answers saying so. */
class RuleStoreTest {
    private static final String S1 = "00:00:00:00:00:00:00:01";
    private static final String S2 = "00:00:00:00:00:00:00:02";

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock(1_000_000);
    private final AtomicInteger failures = new AtomicInteger();
    private final SwitchSessions sessions = new SwitchSessions(new FlowmasqConfig(new ListenConfig("127.0.0.1", 0),
            new ListenConfig("127.0.0.1", 0), TimerConfig.RFC, List.of(SessionFixtures.switchConfig(1, "s1"),
            SessionFixtures.switchConfig(2, "s2"))), (sc, compiler) -> {
                throw new AssertionError("no switch connects in this test");
            }, clock, SwitchMetrics.NONE);

    private SessionRuleService service(Optional<RuleStore> store) {
        return new SessionRuleService(sessions, clock, new RuleNumbers(), store);
    }

    private static JsonObject forward(String id, int publicPort) {
        return JsonParser.parseString("{\"id\": \"" + id + "\", \"type\": \"portForward\", \"protocol\": \"tcp\","
                + " \"public\": \"203.0.113.1:" + publicPort + "\", \"inside\": \"10.0.0.12:22\"}").getAsJsonObject();
    }

    /** The ids of each switch's chain in the file, switch by switch. */
    private static List<List<String>> fileIds(Path file) throws IOException {
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        assertEquals(1, root.get("version").getAsInt());
        List<List<String>> out = new ArrayList<>();
        for (JsonElement sw : root.getAsJsonArray("switches")) {
            List<String> ids = new ArrayList<>();
            JsonArray rules = sw.getAsJsonObject().getAsJsonArray("rules");
            rules.forEach(r -> ids.add(r.getAsJsonObject().get("id").getAsString()));
            out.add(ids);
        }
        return out;
    }

    @Test
    void everyChangeWritesEveryConfiguredSwitchsChain() throws Exception {
        Path file = dir.resolve("rules.json");
        SessionRuleService rules = service(Optional.of(new RuleStore(file, sessions, Runnable::run,
                failures::incrementAndGet)));
        JsonObject added = rules.addRule(S1, 1, forward("ssh", 2222)).get();
        assertTrue(added.get("saved").getAsBoolean());
        assertFalse(added.has("saveError"));
        assertEquals(List.of(List.of("ssh", "masquerade"), List.of("masquerade")), fileIds(file));
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        assertEquals(S1, root.getAsJsonArray("switches").get(0).getAsJsonObject().get("dpid").getAsString());
        assertEquals(S2, root.getAsJsonArray("switches").get(1).getAsJsonObject().get("dpid").getAsString());

        JsonObject deleted = rules.deleteRule(S1, "ssh").get();
        assertTrue(deleted.get("saved").getAsBoolean());
        assertEquals(List.of(List.of("masquerade"), List.of("masquerade")), fileIds(file));
        assertEquals(0, failures.get());
    }

    @Test
    void aRefusedChangeWritesNothing() {
        Path file = dir.resolve("rules.json");
        SessionRuleService rules = service(Optional.of(new RuleStore(file, sessions, Runnable::run,
                failures::incrementAndGet)));
        assertTrue(rules.addRule(S1, 9, forward("ssh", 2222)).isCompletedExceptionally());
        assertFalse(Files.exists(file));
    }

    @Test
    void aFailedWriteKeepsTheChangeAndSaysWhy() throws Exception {
        RuleStore failing = new RuleStore(dir.resolve("rules.json"), java.util.Map::of, Runnable::run, (file, chains) -> {
            throw new IOException("disk full");
        }, failures::incrementAndGet);
        SessionRuleService rules = service(Optional.of(failing));
        JsonObject added = rules.addRule(S1, null, forward("ssh", 2222)).get();
        assertFalse(added.get("saved").getAsBoolean());
        assertEquals("IOException: disk full", added.get("saveError").getAsString());
        assertEquals(1, failures.get());
        assertEquals(2, rules.rules(S1).getAsJsonArray("rules").size()); // the change stands
    }

    @Test
    void withoutARulesFileAnswersCarryNoSavedField() throws Exception {
        SessionRuleService rules = service(Optional.empty());
        JsonObject added = rules.addRule(S1, null, forward("ssh", 2222)).get();
        assertFalse(added.has("saved"));
        JsonObject deleted = rules.deleteRule(S1, "ssh").get();
        assertFalse(deleted.has("saved"));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
