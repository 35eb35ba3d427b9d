package io.flowmasq.controller.config;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.flowmasq.controller.nat.rules.RuleChain;
import io.flowmasq.controller.nat.rules.RuleJson;
import io.flowmasq.controller.nat.rules.RuleNumbers;
import io.flowmasq.controller.nat.rules.RuleValidator;
import io.flowmasq.flowcompiler.rules.Rule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * The rules file's JSON (docs/configuration.md, "Rules file"), without I/O: {@code {"version": 1, "switches":
 * [{"dpid": ..., "rules": [...]}]}}, each rule exactly as {@link RuleJson} writes it. Reading checks each chain
 * as the config file's are checked: rules by {@link RuleReader}, numbered from the controller-wide
 * {@link RuleNumbers}, the chain by {@link RuleValidator#checkAll} against the configured switch.
 */
public final class RulesFileJson {
    public static final int VERSION = 1;
    private static final Set<String> FIELDS = Set.of("version", "switches");
    private static final Set<String> SWITCH_FIELDS = Set.of("dpid", "rules");

    private RulesFileJson() {
    }

    /**
     * The chains of the file at {@code root} for the switches {@code config} has, in file order; a dpid the
     * configuration does not have is a warning. Null when {@code problems} received an error.
     */
    static Map<DatapathId, List<Rule>> read(JsonElement root, FlowmasqConfig config, RuleNumbers numbers,
                                            Problems problems) {
        ConfigObject fields = new ConfigNode("", root, problems).object(FIELDS);
        if (fields == null) {
            return null;
        }
        ConfigNode versionNode = fields.required("version");
        Long version = versionNode == null ? null : versionNode.integer(VERSION, VERSION, "a rules file version this controller reads");
        ConfigNode switchesNode = fields.required("switches");
        List<ConfigNode> entries = switchesNode == null ? null : switchesNode.array();
        if (version == null || entries == null) {
            return null;
        }
        Map<DatapathId, SwitchConfig> configured = new LinkedHashMap<>();
        config.switches().forEach(s -> configured.put(s.dpid(), s));
        Claims<DatapathId> seen = new Claims<>();
        Map<DatapathId, List<Rule>> result = new LinkedHashMap<>();
        boolean ok = true;
        for (ConfigNode entry : entries) {
            ConfigObject f = entry.object(SWITCH_FIELDS);
            if (f == null) {
                ok = false;
                continue;
            }
            ConfigNode dpidNode = f.required("dpid");
            DatapathId dpid = dpidNode == null ? null : ValueSyntax.dpid(dpidNode);
            if (dpid != null && !seen.claim(dpid, dpidNode)) {
                dpid = null;
            }
            ConfigNode rulesNode = f.required("rules");
            List<Rule> rules = rulesNode == null ? null : rules(rulesNode, numbers);
            if (dpid == null || rules == null) {
                ok = false;
                continue;
            }
            SwitchConfig sw = configured.get(dpid);
            if (sw == null) {
                problems.warn(dpidNode.path(), "switch " + dpid + " is not in the configuration; its rules are"
                        + " ignored");
                continue;
            }
            if (valid(sw.withRules(rules), rulesNode)) {
                result.put(dpid, rules);
            } else {
                ok = false;
            }
        }
        return ok ? result : null;
    }

    /** The file's text for these chains (in this order), pretty-printed so an operator can read a diff. */
    public static String write(Map<DatapathId, List<Rule>> chains) {
        JsonObject root = new JsonObject();
        root.addProperty("version", VERSION);
        JsonArray switches = new JsonArray();
        chains.forEach((dpid, rules) -> {
            JsonObject sw = new JsonObject();
            sw.addProperty("dpid", dpid.toString());
            JsonArray list = new JsonArray();
            rules.forEach(r -> list.add(RuleJson.toJson(r)));
            sw.add("rules", list);
            switches.add(sw);
        });
        root.add("switches", switches);
        return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
    }

    /** Each rule, id defaulting to "rule-<position>" as in the config file; null on error. */
    private static List<Rule> rules(ConfigNode node, RuleNumbers numbers) {
        List<ConfigNode> elements = node.nonEmptyArray();
        if (elements == null) {
            return null;
        }
        List<Rule> result = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            result.add(RuleReader.read(elements.get(i), numbers.next(), "rule-" + (i + 1)));
        }
        return result.contains(null) ? null : result;
    }

    /** Each rule against the switch and the rules before it, reported at the rule (and field) at fault. */
    private static boolean valid(SwitchConfig sw, ConfigNode rulesNode) {
        var refusals = RuleValidator.checkAll(RuleChain.of(sw.rules()), sw);
        for (RuleValidator.PositionedRefusal p : refusals) {
            String rulePath = rulesNode.path() + "[" + (p.position() - 1) + "]";
            String field = p.refusal().field();
            rulesNode.problems().error(field.isEmpty() ? rulePath : rulePath + "." + field, p.refusal().message());
        }
        return refusals.isEmpty();
    }
}
