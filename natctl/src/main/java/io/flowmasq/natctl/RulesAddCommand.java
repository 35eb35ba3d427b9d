package io.flowmasq.natctl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code natctl rules add -s DPID [--position N] RULE|-f FILE}: inserts a rule written as in the config file. */
@Command(name = "add", description = "Insert a rule (JSON, as in the config file) into a switch's chain.",
        footer = {"%nExample:", "  natctl rules add -s 1 --position 1 \\",
                "    '{\"id\":\"web\",\"type\":\"portForward\",\"protocol\":\"tcp\","
                        + "\"public\":\"203.0.113.1:8080\",\"inside\":\"10.0.0.13:80\"}'"})
final class RulesAddCommand extends NatctlCommand {
    @Option(names = {"-s", "--switch"}, required = true, paramLabel = "DPID", description = "the switch")
    String switchId;
    @Option(names = "--position", paramLabel = "N",
            description = "insert as rule N (1 = first; later rules move down); default: append")
    Integer position;
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "read the rule from FILE")
    Path file;
    @Parameters(paramLabel = "RULE", arity = "0..1", description = "the rule as a JSON object")
    String ruleText;

    @Override
    public Integer call() {
        JsonObject rule = rule();
        if (position != null) {
            if (rule.has("position")) {
                throw usage("the rule has a \"position\" already: give --position or the member, not both");
            }
            rule.addProperty("position", position);
        }
        JsonObject created = api().post(RulesCommand.path(switchId), rule).getAsJsonObject();
        if (!printedAsJson(created)) {
            out().println("rule '" + Json.text(created, "id") + "' added at position " + Json.text(created, "position")
                    + ": " + Json.text(created, "type") + " " + RuleText.summary(created));
        }
        return 0;
    }

    private JsonObject rule() {
        if ((ruleText == null) == (file == null)) {
            throw usage("give the rule as an argument or with -f FILE (one of them)");
        }
        String text = ruleText;
        if (file != null) {
            try {
                text = Files.readString(file);
            } catch (IOException | RuntimeException e) {
                throw usage("cannot read " + file + ": " + e.getMessage());
            }
        }
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw usage("the rule is not valid JSON: " + e.getMessage());
        }
        if (!parsed.isJsonObject()) {
            throw usage("the rule must be a JSON object, like {\"type\":\"masquerade\"}");
        }
        return parsed.getAsJsonObject();
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
