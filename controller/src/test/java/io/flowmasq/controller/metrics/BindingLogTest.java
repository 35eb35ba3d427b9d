package io.flowmasq.controller.metrics;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BindingLogTest {

    private static final String S1 = "00:00:00:00:00:00:00:01";

    @TempDir
    Path dir;

    private static BindingEvent created(long id) {
        return new BindingEvent(Instant.parse("2026-11-25T14:54:50Z"), BindingEvent.CREATED, S1, "edge", id, "tcp",
                "10.0.0.11", 40000, "203.0.113.1", 40000, null, "dynamic", null, null, null, null, null, null);
    }

    private static BindingEvent removed(long id) {
        return new BindingEvent(Instant.parse("2026-11-25T15:00:00.123Z"), BindingEvent.REMOVED, S1, "edge", id, "tcp",
                "10.0.0.11", 40000, "203.0.113.1", 40000, null, "dynamic", "idle_timeout", 310L, 12L, 3400L, 10L, 90000L);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    @Test
    void removedEventIsTheDocumentedLineExactly() {
        assertEquals("{\"time\":\"2026-11-25T15:00:00.123Z\",\"event\":\"removed\",\"switch\":\"00:00:00:00:00:00:00:01\","
                + "\"switch_name\":\"edge\",\"binding\":42,\"protocol\":\"tcp\",\"inside\":\"10.0.0.11:40000\","
                + "\"public\":\"203.0.113.1:40000\",\"remote\":null,\"origin\":\"dynamic\",\"reason\":\"idle_timeout\","
                + "\"duration_s\":310,\"packets_out\":12,\"bytes_out\":3400,\"packets_in\":10,\"bytes_in\":90000}",
                BindingLog.toJson(removed(42)));
    }

    @Test
    void writesOneParsableLinePerEvent() throws IOException {
        Path file = dir.resolve("sub/bindings.log");
        try (BindingLog log = BindingLog.open(new BindingLogSettings(file, 1 << 20, 5))) {
            assertTrue(log.enabled());
            log.record(created(7));
            log.record(new BindingEvent(Instant.parse("2026-11-25T15:00:01Z"), BindingEvent.CREATED, S1, null, 8, "udp",
                    "10.0.0.12", 5353, "203.0.113.1", 1024, "198.51.100.7:53\n\"x\"", "static", null,
                    null, null, null, null, null));
            log.record(removed(7));
        }
        List<String> lines = lines(file);
        assertEquals(3, lines.size(), lines::toString);

        JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        assertEquals(List.of("time", "event", "switch", "switch_name", "binding", "protocol", "inside", "public",
                "remote", "origin", "reason", "duration_s", "packets_out", "bytes_out", "packets_in", "bytes_in"),
                new ArrayList<>(first.keySet()));
        assertEquals("2026-11-25T14:54:50.000Z", first.get("time").getAsString());
        assertEquals("created", first.get("event").getAsString());
        assertEquals(S1, first.get("switch").getAsString());
        assertEquals(7, first.get("binding").getAsLong());
        assertEquals("10.0.0.11:40000", first.get("inside").getAsString());
        assertTrue(first.get("reason").isJsonNull());
        assertTrue(first.get("bytes_in").isJsonNull());

        // a newline or quote inside a value cannot break the one-line-per-event shape
        JsonObject second = JsonParser.parseString(lines.get(1)).getAsJsonObject();
        assertEquals("198.51.100.7:53\n\"x\"", second.get("remote").getAsString());
        assertTrue(second.get("switch_name").isJsonNull());
        assertEquals("static", second.get("origin").getAsString());
        assertEquals("203.0.113.1:1024", second.get("public").getAsString());

        JsonObject third = JsonParser.parseString(lines.get(2)).getAsJsonObject();
        assertEquals("removed", third.get("event").getAsString());
        assertEquals("idle_timeout", third.get("reason").getAsString());
        assertEquals(310, third.get("duration_s").getAsLong());
        assertEquals(90000, third.get("bytes_in").getAsLong());
    }

    @Test
    void reopeningAppends() throws IOException {
        Path file = dir.resolve("bindings.log");
        BindingLogSettings settings = new BindingLogSettings(file, 1 << 20, 1);
        try (BindingLog log = BindingLog.open(settings)) {
            log.record(created(1));
        }
        try (BindingLog log = BindingLog.open(settings)) {
            log.record(created(2));
        }
        assertEquals(2, lines(file).size());
    }

    @Test
    void rotatesBySizeKeepsBoundedHistoryAndNeverSplitsALine() throws IOException {
        Path file = dir.resolve("bindings.log");
        int maxHistory = 3;
        long maxBytes = 1024;
        int events = 400;   // ~350 bytes each: about 140 KB, far more than 4 files of 1 KB
        BindingLog log = BindingLog.open(new BindingLogSettings(file, maxBytes, maxHistory));
        for (int i = 0; i < events; i++) {
            log.record(i % 2 == 0 ? created(i) : removed(i));
        }
        log.close();
        assertEquals(0, log.droppedEvents());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        assertEquals(List.of(file, dir.resolve("bindings.log.1"), dir.resolve("bindings.log.2"),
                dir.resolve("bindings.log.3")), files);

        Set<Long> ids = new HashSet<>();
        for (Path f : files) {
            String content = Files.readString(f, StandardCharsets.UTF_8);
            assertTrue(content.endsWith("\n"), f + " ends mid-line");
            // the size is checked before each line, so a file overshoots by less than one line
            assertTrue(Files.size(f) < maxBytes + 512, f + " is " + Files.size(f) + " bytes");
            for (String line : lines(f)) {
                JsonObject o = assertDoesNotThrow(() -> JsonParser.parseString(line).getAsJsonObject(), line);
                assertEquals(16, o.size(), line);
                ids.add(o.get("binding").getAsLong());
            }
        }
        // the newest events are the ones kept, with no gap
        long newest = events - 1;
        assertTrue(ids.contains(newest));
        long oldestKept = ids.stream().mapToLong(Long::longValue).min().orElseThrow();
        assertEquals(newest - oldestKept + 1, ids.size());
    }

    @Test
    void everyEventIsWrittenOrCountedAsDropped() throws IOException {
        Path file = dir.resolve("bindings.log");
        int events = 20_000;
        BindingLog log = BindingLog.open(new BindingLogSettings(file, 1L << 30, 1), 4);
        for (int i = 0; i < events; i++) {
            log.record(created(i));   // a queue of 4 against a disk writer: most are dropped, none block
        }
        log.close();
        assertEquals(events, lines(file).size() + log.droppedEvents());
    }

    @Test
    void eventsAfterCloseAreCountedNotWritten() throws IOException {
        Path file = dir.resolve("bindings.log");
        BindingLog log = BindingLog.open(new BindingLogSettings(file, 4096, 1));
        log.record(created(1));
        log.close();
        log.close();   // idempotent
        log.record(created(2));
        assertEquals(1, log.droppedEvents());
        assertEquals(1, lines(file).size());
    }

    @Test
    void disabledLogDoesNothing() {
        BindingLog log = BindingLog.disabled();
        assertFalse(log.enabled());
        log.record(created(1));
        log.close();
        assertEquals(0, log.droppedEvents());
    }

    @Test
    void openFailsLoudlyWhenTheFileCannotBeCreated() throws IOException {
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BindingLog.open(new BindingLogSettings(notADir.resolve("bindings.log"), 4096, 1)));
        assertTrue(e.getMessage().contains("bindings.log"), e.getMessage());
    }

    @Test
    void settingsAreValidated() {
        Path f = dir.resolve("b.log");
        assertDoesNotThrow(() -> new BindingLogSettings(f, 1024, 1));
        assertDoesNotThrow(() -> new BindingLogSettings(f, 1024, 1000));
        assertThrows(IllegalArgumentException.class, () -> new BindingLogSettings(f, 1023, 1));
        assertThrows(IllegalArgumentException.class, () -> new BindingLogSettings(f, 1024, 0));
        assertThrows(IllegalArgumentException.class, () -> new BindingLogSettings(f, 1024, 1001));
        assertThrows(NullPointerException.class, () -> new BindingLogSettings(null, 1024, 1));
    }

    @Test
    void eventsAreValidated() {
        Instant t = Instant.EPOCH;
        assertThrows(IllegalArgumentException.class, () -> new BindingEvent(t, "updated", S1, null, 1, "tcp",
                "10.0.0.1", 1, "203.0.113.1", 1, null, "dynamic", null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new BindingEvent(t, BindingEvent.CREATED, S1, null, 1, "tcp",
                "10.0.0.1", 1, "203.0.113.1", 1, null, "dynamic", "idle_timeout", null, null, null, null, null));
        assertThrows(NullPointerException.class, () -> new BindingEvent(t, BindingEvent.REMOVED, S1, null, 1, "tcp",
                "10.0.0.1", 1, "203.0.113.1", 1, null, "dynamic", null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new BindingEvent(t, BindingEvent.CREATED, S1, null, 1, "tcp",
                "10.0.0.1", 65536, "203.0.113.1", 1, null, "dynamic", null, null, null, null, null, null));
    }
}
