package io.flowmasq.controller.config;

import com.google.gson.JsonElement;
import io.flowmasq.controller.nat.rules.RuleNumbers;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.projectfloodlight.openflow.types.IPv4Address;

/** Reads the top level of a parsed file into a {@link FlowmasqConfig}, reporting every mistake. */
final class ConfigReader {
    static final ListenConfig OPENFLOW_DEFAULT = new ListenConfig("0.0.0.0", 6653);
    static final ListenConfig REST_DEFAULT = new ListenConfig("127.0.0.1", 8080);

    /** Where an operator may put the REST token instead of the file (which may be world-readable). */
    static final String TOKEN_ENV = "FLOWMASQ_API_TOKEN";

    private static final Set<String> FIELDS = Set.of("openflow", "rest", "timers", "switches", "statistics",
            "bindingLog", "rulesFile");
    private static final Set<String> LISTEN_FIELDS = Set.of("address", "port");
    private static final Set<String> REST_FIELDS = Set.of("address", "port", "token");
    private static final Set<String> STATISTICS_FIELDS = Set.of("intervalSeconds");
    private static final Set<String> BINDING_LOG_FIELDS = Set.of("path", "maxFileMegabytes", "maxFiles");

    private ConfigReader() {
    }

    /** The configuration, or null when {@code problems} received at least one error. */
    static FlowmasqConfig read(JsonElement root, Problems problems) {
        return read(root, problems, System.getenv(TOKEN_ENV));
    }

    /** {@code envToken}: the value of {@link #TOKEN_ENV}, or null. */
    static FlowmasqConfig read(JsonElement root, Problems problems, String envToken) {
        ConfigObject fields = new ConfigNode("", root, problems).object(FIELDS);
        if (fields == null) {
            return null;
        }
        ListenConfig openflow = listen(fields.optional("openflow"), OPENFLOW_DEFAULT, LISTEN_FIELDS);
        ConfigNode restNode = fields.optional("rest");
        ConfigObject restFields = restNode == null ? null : restNode.object(REST_FIELDS);
        ListenConfig rest = restNode == null ? REST_DEFAULT
                : restFields == null ? null : listenFields(restFields, REST_DEFAULT);
        Optional<String> token = token(restFields == null ? null : restFields.optional("token"), envToken,
                problems);
        Integer statsInterval = statsInterval(fields.optional("statistics"));
        Optional<BindingLogConfig> bindingLog = bindingLog(fields.optional("bindingLog"));
        Optional<Path> rulesFile = rulesFile(fields.optional("rulesFile"));
        TimerConfig timers = TimerReader.read(fields.optional("timers"), TimerConfig.RFC);
        // Switches are checked against the RFC values when the global timers are wrong, to find their own mistakes.
        List<SwitchConfig> switches = switches(fields.required("switches"), timers == null ? TimerConfig.RFC : timers);
        if (openflow == null || rest == null || token == null || timers == null || switches == null
                || statsInterval == null || bindingLog == null || rulesFile == null) {
            return null;
        }
        return new FlowmasqConfig(openflow, rest, token, timers, switches, statsInterval, bindingLog, rulesFile);
    }

    /** The file's token wins over the environment's; empty when neither has one; null on error. */
    private static Optional<String> token(ConfigNode node, String envToken, Problems problems) {
        if (node != null) {
            String token = node.string();
            return token == null ? null : checkedToken(token, node.path(), problems);
        }
        if (envToken != null && !envToken.isEmpty()) {
            return checkedToken(envToken, TOKEN_ENV, problems);
        }
        return Optional.empty();
    }

    /**
     * The token without surrounding whitespace (a trailing newline from a file or a shell is not part of
     * it), which is what must be at least 16 characters long; null, and an error at {@code path}, if not.
     */
    private static Optional<String> checkedToken(String raw, String path, Problems problems) {
        String token = raw.strip();
        if (token.length() < 16) {
            problems.error(path, "a token must have at least 16 characters (got " + token.length() + ")");
            return null;
        }
        return Optional.of(token);
    }

    private static Integer statsInterval(ConfigNode node) {
        if (node == null) {
            return FlowmasqConfig.DEFAULT_STATS_INTERVAL_SECONDS;
        }
        ConfigObject fields = node.object(STATISTICS_FIELDS);
        if (fields == null) {
            return null;
        }
        ConfigNode interval = fields.optional("intervalSeconds");
        if (interval == null) {
            return FlowmasqConfig.DEFAULT_STATS_INTERVAL_SECONDS;
        }
        Long seconds = interval.integer(1, 3600, "a number of seconds");
        return seconds == null ? null : seconds.intValue();
    }

    /** Empty when the field is absent (no log); null on error. */
    private static Optional<BindingLogConfig> bindingLog(ConfigNode node) {
        if (node == null) {
            return Optional.empty();
        }
        ConfigObject fields = node.object(BINDING_LOG_FIELDS);
        if (fields == null) {
            return null;
        }
        ConfigNode pathNode = fields.required("path");
        String path = pathNode == null ? null : pathNode.string();
        if (path != null && path.isBlank()) {
            pathNode.error("must not be empty"); // reported with the other fields' mistakes
            path = null;
        }
        ConfigNode sizeNode = fields.optional("maxFileMegabytes");
        Long size = sizeNode == null ? Long.valueOf(BindingLogConfig.DEFAULT_MAX_FILE_MEGABYTES)
                : sizeNode.integer(1, 10_000, "a size in megabytes");
        ConfigNode filesNode = fields.optional("maxFiles");
        Long files = filesNode == null ? Long.valueOf(BindingLogConfig.DEFAULT_MAX_FILES)
                : filesNode.integer(1, 1000, "a number of files");
        if (path == null || size == null || files == null) {
            return null;
        }
        return Optional.of(new BindingLogConfig(Path.of(path), size.intValue(), files.intValue()));
    }

    /** Empty when absent (runtime rule changes are not kept); null on error. */
    private static Optional<Path> rulesFile(ConfigNode node) {
        if (node == null) {
            return Optional.empty();
        }
        String path = node.string();
        if (path == null) {
            return null;
        }
        if (path.isBlank()) {
            node.error("must not be empty");
            return null;
        }
        try {
            return Optional.of(Path.of(path));
        } catch (java.nio.file.InvalidPathException e) {
            node.error(node.json() + " is not a file path (" + e.getReason() + ")");
            return null;
        }
    }

    private static ListenConfig listen(ConfigNode node, ListenConfig defaults, Set<String> known) {
        if (node == null) {
            return defaults;
        }
        ConfigObject fields = node.object(known);
        return fields == null ? null : listenFields(fields, defaults);
    }

    private static ListenConfig listenFields(ConfigObject fields, ListenConfig defaults) {
        ConfigNode addressNode = fields.optional("address");
        IPv4Address address = addressNode == null ? null : ValueSyntax.ipv4(addressNode);
        ConfigNode portNode = fields.optional("port");
        Long port = portNode == null ? null : portNode.integer(0, 65535, "a port number");
        if ((addressNode != null && address == null) || (portNode != null && port == null)) {
            return null;
        }
        return new ListenConfig(address == null ? defaults.address() : address.toString(),
                port == null ? defaults.port() : port.intValue());
    }

    private static List<SwitchConfig> switches(ConfigNode node, TimerConfig timers) {
        List<ConfigNode> elements = node == null ? null : node.nonEmptyArray();
        if (elements == null) {
            return null;
        }
        SwitchReader reader = new SwitchReader(timers, new RuleNumbers());
        List<SwitchConfig> result = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            result.add(reader.read(elements.get(i), i));
        }
        return result.contains(null) ? null : result;
    }
}
