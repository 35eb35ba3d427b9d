package io.flowmasq.controller.config;

import static io.flowmasq.controller.config.ConfigFixtures.MINIMAL;
import static io.flowmasq.controller.config.ConfigFixtures.errors;
import static io.flowmasq.controller.config.ConfigFixtures.valid;
import static io.flowmasq.controller.config.ConfigFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** rest.token (and FLOWMASQ_API_TOKEN), statistics and bindingLog. */
class ConfigRestStatisticsLogTest {
    private static final String TOKEN = "0123456789abcdef-token";

    /** Reads {@code json} as the loader does, with {@code envToken} as the environment's token. */
    private static FlowmasqConfig readWithEnv(String json, String envToken, Problems problems) {
        return ConfigReader.read(JsonParser.parseString(json), problems, envToken);
    }

    // ---- rest.token

    @Test
    void noTokenAnywhereMeansNoAuthentication() {
        Problems problems = new Problems();
        assertEquals(Optional.empty(), readWithEnv(MINIMAL, null, problems).restToken());
        assertEquals(Optional.empty(), readWithEnv(MINIMAL, "", problems).restToken(), "set but empty: unset");
        assertEquals(List.of(), problems.errors());
    }

    @Test
    void theFilesToken() {
        FlowmasqConfig c = valid(with(MINIMAL, "rest", "{\"token\": \"" + TOKEN + "\"}")).config();
        assertEquals(Optional.of(TOKEN), c.restToken());
        assertEquals(ConfigReader.REST_DEFAULT, c.rest(), "the listener keeps its defaults");
    }

    @Test
    void aTokenNextToTheListenFields() {
        FlowmasqConfig c = valid(with(MINIMAL, "rest",
                "{\"address\": \"0.0.0.0\", \"port\": 9090, \"token\": \"" + TOKEN + "\"}")).config();
        assertEquals(new ListenConfig("0.0.0.0", 9090), c.rest());
        assertEquals(Optional.of(TOKEN), c.restToken());
    }

    @Test
    void aShortTokenInTheFileIsAnError() {
        assertEquals(List.of("rest.token: a token must have at least 16 characters (got 5)"),
                errors(with(MINIMAL, "rest", "{\"token\": \"short\"}")));
    }

    @Test
    void surroundingWhitespaceDoesNotCountTowardsTheLength() {
        assertEquals(List.of("rest.token: a token must have at least 16 characters (got 5)"),
                errors(with(MINIMAL, "rest", "{\"token\": \"  short            \"}")));
    }

    @Test
    void theTokenInForceHasNoSurroundingWhitespace() {
        FlowmasqConfig c = valid(with(MINIMAL, "rest", "{\"token\": \" " + TOKEN + "\\n\"}")).config();
        assertEquals(Optional.of(TOKEN), c.restToken());
        Problems problems = new Problems();
        assertEquals(Optional.of(TOKEN), readWithEnv(MINIMAL, TOKEN + "\n", problems).restToken());
        assertEquals(List.of(), problems.errors());
    }

    @Test
    void aTokenMustBeAString() {
        assertEquals(List.of("rest.token: 1234567890123456 is not a string"),
                errors(with(MINIMAL, "rest", "{\"token\": 1234567890123456}")));
    }

    @Test
    void unknownRestFieldsAreStillErrors() {
        assertEquals(List.of("rest.secret: unknown field"),
                errors(with(MINIMAL, "rest", "{\"secret\": \"" + TOKEN + "\"}")));
    }

    @Test
    void theEnvironmentsTokenWhenTheFileHasNone() {
        Problems problems = new Problems();
        FlowmasqConfig c = readWithEnv(MINIMAL, TOKEN, problems);
        assertEquals(List.of(), problems.errors());
        assertEquals(Optional.of(TOKEN), c.restToken());
    }

    @Test
    void aShortEnvironmentTokenIsAnErrorNamingTheVariable() {
        Problems problems = new Problems();
        assertNull(readWithEnv(MINIMAL, "abc", problems));
        assertEquals(List.of("FLOWMASQ_API_TOKEN: a token must have at least 16 characters (got 3)"),
                problems.errors());
    }

    @Test
    void theFileWinsOverTheEnvironment() {
        Problems problems = new Problems();
        String json = with(MINIMAL, "rest", "{\"token\": \"" + TOKEN + "\"}");
        assertEquals(Optional.of(TOKEN), readWithEnv(json, "fedcba9876543210-other", problems).restToken());
        assertEquals(Optional.of(TOKEN), readWithEnv(json, "abc", problems).restToken(),
                "an unused environment token is not checked");
        assertEquals(List.of(), problems.errors());
    }

    @Test
    void aShortFileTokenIsAnErrorEvenWithAGoodEnvironmentToken() {
        Problems problems = new Problems();
        assertNull(readWithEnv(with(MINIMAL, "rest", "{\"token\": \"short\"}"), TOKEN, problems));
        assertEquals(List.of("rest.token: a token must have at least 16 characters (got 5)"), problems.errors());
    }

    // ---- statistics

    @Test
    void statisticsIntervalDefaultsToTenSeconds() {
        assertEquals(10, valid(MINIMAL).config().statsIntervalSeconds());
        assertEquals(10, valid(with(MINIMAL, "statistics", "{}")).config().statsIntervalSeconds());
    }

    @Test
    void statisticsIntervalIsRead() {
        assertEquals(1, valid(with(MINIMAL, "statistics", "{\"intervalSeconds\": 1}")).config()
                .statsIntervalSeconds());
        assertEquals(3600, valid(with(MINIMAL, "statistics", "{\"intervalSeconds\": 3600}")).config()
                .statsIntervalSeconds());
    }

    @Test
    void statisticsIntervalOutOfRange() {
        assertEquals(List.of("statistics.intervalSeconds: 0 is not a number of seconds (1..3600)"),
                errors(with(MINIMAL, "statistics", "{\"intervalSeconds\": 0}")));
        assertEquals(List.of("statistics.intervalSeconds: 3601 is not a number of seconds (1..3600)"),
                errors(with(MINIMAL, "statistics", "{\"intervalSeconds\": 3601}")));
        assertEquals(List.of("statistics.intervalSeconds: 2.5 is not a number of seconds (1..3600)"),
                errors(with(MINIMAL, "statistics", "{\"intervalSeconds\": 2.5}")));
        assertEquals(List.of("statistics.intervalSeconds: \"10\" is not a number of seconds (1..3600)"),
                errors(with(MINIMAL, "statistics", "{\"intervalSeconds\": \"10\"}")));
    }

    @Test
    void statisticsUnknownFieldsAndWrongType() {
        assertEquals(List.of("statistics.interval: unknown field"),
                errors(with(MINIMAL, "statistics", "{\"interval\": 5}")));
        assertEquals(List.of("statistics: 10 is not an object"), errors(with(MINIMAL, "statistics", "10")));
    }

    // ---- bindingLog

    @Test
    void noBindingLogByDefault() {
        assertEquals(Optional.empty(), valid(MINIMAL).config().bindingLog());
    }

    @Test
    void bindingLogDefaults() {
        assertEquals(Optional.of(new BindingLogConfig(Path.of("/var/log/flowmasq/bindings.log"), 100, 10)),
                valid(with(MINIMAL, "bindingLog", "{\"path\": \"/var/log/flowmasq/bindings.log\"}")).config()
                        .bindingLog());
    }

    @Test
    void bindingLogIsRead() {
        assertEquals(Optional.of(new BindingLogConfig(Path.of("bindings.log"), 1, 1000)),
                valid(with(MINIMAL, "bindingLog", "{\"path\": \"bindings.log\", \"maxFileMegabytes\": 1,"
                        + " \"maxFiles\": 1000}")).config().bindingLog());
    }

    @Test
    void bindingLogPathIsRequired() {
        assertEquals(List.of("bindingLog.path: required"), errors(with(MINIMAL, "bindingLog", "{\"maxFiles\": 3}")));
        assertEquals(List.of("bindingLog.path: must not be empty"),
                errors(with(MINIMAL, "bindingLog", "{\"path\": \" \"}")));
        assertEquals(List.of("bindingLog.path: 7 is not a string"), errors(with(MINIMAL, "bindingLog", "{\"path\": 7}")));
    }

    @Test
    void bindingLogRanges() {
        assertEquals(List.of("bindingLog.maxFileMegabytes: 0 is not a size in megabytes (1..10000)",
                        "bindingLog.maxFiles: 1001 is not a number of files (1..1000)"),
                errors(with(MINIMAL, "bindingLog", "{\"path\": \"b.log\", \"maxFileMegabytes\": 0,"
                        + " \"maxFiles\": 1001}")));
        assertEquals(List.of("bindingLog.maxFileMegabytes: 10001 is not a size in megabytes (1..10000)",
                        "bindingLog.maxFiles: 0 is not a number of files (1..1000)"),
                errors(with(MINIMAL, "bindingLog", "{\"path\": \"b.log\", \"maxFileMegabytes\": 10001,"
                        + " \"maxFiles\": 0}")));
    }

    @Test
    void anEmptyPathIsReportedWithTheOtherMistakes() {
        assertEquals(List.of("bindingLog.path: must not be empty",
                        "bindingLog.maxFiles: 0 is not a number of files (1..1000)"),
                errors(with(MINIMAL, "bindingLog", "{\"path\": \"\", \"maxFiles\": 0}")));
    }

    @Test
    void bindingLogUnknownFields() {
        assertEquals(List.of("bindingLog.rotate: unknown field"),
                errors(with(MINIMAL, "bindingLog", "{\"path\": \"b.log\", \"rotate\": true}")));
        assertEquals(List.of("bindingLog: \"b.log\" is not an object"),
                errors(with(MINIMAL, "bindingLog", "\"b.log\"")));
    }

    @Test
    void everyNewMistakeIsReportedAtOnce() {
        String json = with(with(with(MINIMAL, "rest", "{\"token\": \"short\"}"),
                "statistics", "{\"intervalSeconds\": 0}"), "bindingLog", "{}");
        assertEquals(List.of("rest.token: a token must have at least 16 characters (got 5)",
                "statistics.intervalSeconds: 0 is not a number of seconds (1..3600)",
                "bindingLog.path: required"), errors(json));
    }
}
