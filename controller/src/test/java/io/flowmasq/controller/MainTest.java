package io.flowmasq.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void checkConfigAcceptsTheExample() {
        assertEquals(0, run("--check-config", "../examples/masquerade.json"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("OK (1 switch(es))"));
    }

    @Test
    void checkConfigListsEveryErrorAndExitsTwo(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), """
                {"switches": [{"dpid": "00:00:00:00:00:00:00:01",
                  "inside": [{"ports": [1], "gateway": "10.0.0.1/24"}],
                  "outside": {"port": 3, "address": "203.0.113.1/24", "nextHop": "203.0.113.x"}}],
                 "rest": {"port": 70000}}
                """);
        assertEquals(2, run("--check-config", bad.toString()));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("2 error(s)"), text);
        assertTrue(text.contains("switches[0].outside.nextHop: \"203.0.113.x\" is not an IPv4 address"), text);
        assertTrue(text.contains("rest.port: 70000"), text);
    }

    @Test
    void unreadableFileAndBadUsageExitTwo() {
        assertEquals(2, run("--check-config", "/nonexistent/flowmasq.json"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot read the configuration file"));
        assertEquals(2, run("--frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: flowmasq --config FILE"));
        assertEquals(0, run("--help"));
    }
}
