package io.flowmasq.controller.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and validates the configuration file (JSON; see docs/configuration.md). Every mistake in the
 * file is collected and reported at once in a {@link ConfigException}, one {@code <path>: <problem>}
 * line each; values that work but deserve a second look come back as warnings.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    private static final String LENIENT_ADVICE =
            "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON";

    private ConfigLoader() {
    }

    /** Reads the file, logs its warnings, and returns the configuration. */
    public static FlowmasqConfig load(Path file) throws ConfigException {
        return logged(validate(file));
    }

    /** Reads JSON text, logs its warnings, and returns the configuration. */
    public static FlowmasqConfig parse(String json) throws ConfigException {
        return logged(validate(json));
    }

    /** Reads the file and returns the configuration with its warnings, logging nothing. */
    public static ValidatedConfig validate(Path file) throws ConfigException {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e + ")");
        }
        Path dir = file.toAbsolutePath().getParent();
        return validate(json, dir == null ? Path.of("") : dir);
    }

    /**
     * Reads JSON text and returns the configuration with its warnings, logging nothing. A relative
     * {@code rulesFile} is taken relative to the working directory.
     */
    public static ValidatedConfig validate(String json) throws ConfigException {
        return validate(json, Path.of(""));
    }

    /**
     * The configuration of JSON text read from a file in {@code dir}: a relative {@code rulesFile} is under
     * {@code dir}, and the chains of that file, when it exists, replace the config file's.
     */
    static ValidatedConfig validate(String json, Path dir) throws ConfigException {
        JsonElement root = syntax(json, ConfigNode.ROOT_LABEL);
        Problems problems = new Problems();
        try {
            DuplicateKeys.check(json, problems);
        } catch (IOException e) {
            throw new IllegalStateException("text that parsed once failed to parse again", e);
        }
        FlowmasqConfig config = ConfigReader.read(root, problems);
        if (!problems.errors().isEmpty()) {
            throw new ConfigException(problems.errors());
        }
        return RulesFile.apply(new ValidatedConfig(config.withRulesFileUnder(dir), problems.warnings()));
    }

    private static FlowmasqConfig logged(ValidatedConfig validated) {
        validated.warnings().forEach(LOG::warn);
        validated.notes().forEach(LOG::info);
        return validated.config();
    }

    /**
     * Strict JSON (no comments, no unquoted names, nothing after the value); one error, starting with
     * {@code label}, if it is not.
     */
    static JsonElement syntax(String json, String label) throws ConfigException {
        if (json.isBlank()) {
            throw new ConfigException(label + ": is empty; expected a JSON object");
        }
        JsonReader reader = new JsonReader(new StringReader(json));
        reader.setStrictness(Strictness.STRICT);
        try {
            JsonElement root = JsonParser.parseReader(reader);
            reader.peek(); // a second top-level value is a syntax error in strict mode
            return root;
        } catch (JsonParseException | IOException e) {
            throw new ConfigException(label + ": not valid JSON: " + gsonMessage(e));
        }
    }

    /** Gson's own words with its line and column, without the exception class and help link it adds. */
    private static String gsonMessage(Exception e) {
        Throwable cause = e instanceof JsonParseException && e.getCause() != null ? e.getCause() : e;
        String message = String.valueOf(cause.getMessage());
        int help = message.indexOf("\nSee https://");
        message = help < 0 ? message : message.substring(0, help);
        // Gson's advice to turn on leniency is for programmers; say what is not allowed instead.
        return message.replace(LENIENT_ADVICE, "comments, single quotes, unquoted text and a second value"
                + " are not allowed in JSON");
    }
}
