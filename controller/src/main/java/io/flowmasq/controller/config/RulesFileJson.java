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
import io.flowmasq.flowcompiler.rules.RuleCookies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * The rules file's JSON (docs/configuration.md, "Rules file"), without I/O: {@code {"version": 1, "switches":
 * [{"dpid": ..., "rules": [...]}]}}, each rule as {@link RuleJson} writes it plus its {@code "number"}. Reading
 * checks each chain as the config file's are checked: rules by {@link RuleReader}, the chain by
 * {@link RuleValidator#checkAll} against the configured switch. A rule keeps its number (the cookie of its
 * flows, so the rebuild after a restart adopts them) unless another rule kept has it; then, or without one, it
 * gets the next of the controller-wide {@link RuleNumbers}, so numbers stay unique.
 */
public final class RulesFileJson {
    public static final int VERSION = 1;
    private static final Set<String> FIELDS = Set.of("version", "switches");
    private static final Set<String> SWITCH_FIELDS = Set.of("dpid", "rules");
    private static final String NUMBER = "number";

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
        Map<Rule, Integer> stated = new java.util.IdentityHashMap<>();
        RuleNumbers scratch = new RuleNumbers(); // until renumbered: the real numbers are known at the end
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
            List<Rule> rules = rulesNode == null ? null : rules(rulesNode, scratch, stated);
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
        return ok ? renumbered(result, stated, config, numbers) : null;
    }

    /**
     * The chains with each rule's stated number where no rule kept before it (the config's chains of the
     * switches the file does not list included) has it, the next of {@code numbers} elsewhere.
     */
    private static Map<DatapathId, List<Rule>> renumbered(Map<DatapathId, List<Rule>> chains,
                                                          Map<Rule, Integer> stated, FlowmasqConfig config,
                                                          RuleNumbers numbers) {
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        config.switches().stream().filter(s -> !chains.containsKey(s.dpid()))
                .forEach(s -> s.rules().forEach(r -> taken.add(r.number())));
        stated.values().forEach(numbers::advancePast);
        Map<DatapathId, List<Rule>> out = new LinkedHashMap<>();
        chains.forEach((dpid, rules) -> {
            List<Rule> list = new ArrayList<>();
            for (Rule r : rules) {
                Integer n = stated.get(r);
                list.add(r.withNumber(n != null && taken.add(n) ? n : numbers.next()));
            }
            out.put(dpid, list);
        });
        return out;
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
            rules.forEach(r -> {
                JsonObject rule = RuleJson.toJson(r);
                rule.addProperty(NUMBER, r.number());
                list.add(rule);
            });
            sw.add("rules", list);
            switches.add(sw);
        });
        root.add("switches", switches);
        return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
    }

    /**
     * Each rule, id defaulting to "rule-<position>" as in the config file, numbered for now from
     * {@code numbers} (a scratch counter), its own number (if it states one) put in {@code stated}; null on error.
     */
    private static List<Rule> rules(ConfigNode node, RuleNumbers numbers, Map<Rule, Integer> stated) {
        List<ConfigNode> elements = node.nonEmptyArray();
        if (elements == null) {
            return null;
        }
        List<Rule> result = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < elements.size(); i++) {
            ConfigNode element = elements.get(i);
            ConfigNode numberNode = element.member(NUMBER);
            Long number = numberNode == null ? null
                    : numberNode.integer(1, RuleCookies.MAX_RULE_NUMBER, "a rule number");
            if (numberNode != null && number == null) {
                ok = false;
            }
            if (numberNode != null) {
                element = element.without(NUMBER); // the rule's reader does not know the field
            }
            Rule rule = RuleReader.read(element, numbers.next(), "rule-" + (i + 1));
            if (rule != null && number != null) {
                stated.put(rule, number.intValue());
            }
            result.add(rule);
        }
        return ok && !result.contains(null) ? result : null;
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
