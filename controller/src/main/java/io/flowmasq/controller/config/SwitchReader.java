package io.flowmasq.controller.config;

import io.flowmasq.controller.nat.rules.RuleChain;
import io.flowmasq.controller.nat.rules.RuleNumbers;
import io.flowmasq.controller.nat.rules.RuleValidator;
import io.flowmasq.flowcompiler.rules.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * Reads the entries of {@code switches}, one call per entry, and checks that no two switches share a
 * datapath id or a name, and that each switch's rule chain is valid. One instance per file: rules are
 * numbered across all switches, in file order.
 */
final class SwitchReader {
    private static final Set<String> FIELDS = Set.of("dpid", "name", "inside", "outside", "portRange", "timers",
            "mssClamp", "filtering", "ftpPorts", "limits", "onTableFull", "portReuseDelaySeconds", "rules");
    private static final Set<String> RANGE_FIELDS = Set.of("first", "last");

    private final TimerConfig globalTimers;
    private final Claims<DatapathId> dpids = new Claims<>();
    private final Claims<String> names = new Claims<>();
    private final RuleNumbers numbers;

    /** {@code globalTimers} is what a switch without its own {@code timers} gets. */
    SwitchReader(TimerConfig globalTimers) {
        this(globalTimers, new RuleNumbers());
    }

    /** {@code numbers} gives each rule (the implicit one too) its number as it is read. */
    SwitchReader(TimerConfig globalTimers, RuleNumbers numbers) {
        this.globalTimers = globalTimers;
        this.numbers = numbers;
    }

    SwitchConfig read(ConfigNode node, int index) {
        ConfigObject fields = node.object(FIELDS);
        if (fields == null) {
            return null;
        }
        DatapathId dpid = dpid(fields.required("dpid"), node.path());
        String name = name(fields.optional("name"), node, index);
        InterfaceReader interfaces = new InterfaceReader(dpid == null ? DatapathId.NONE : dpid, node.problems());
        List<InsideConfig> inside = inside(fields.required("inside"), interfaces);
        ConfigNode outsideNode = fields.required("outside");
        OutsideConfig outside = outsideNode == null ? null : interfaces.outside(outsideNode);
        PortRange portRange = portRange(fields.optional("portRange"));
        TimerConfig timers = TimerReader.read(fields.optional("timers"), globalTimers);
        OptionalInt mssClamp = mssClamp(fields.optional("mssClamp"), outside);
        Filtering filtering = filtering(fields.optional("filtering"));
        Set<Integer> ftpPorts = ftpPorts(fields.optional("ftpPorts"));
        LimitsConfig limits = LimitsReader.read(fields.optional("limits"));
        TableFullPolicy onTableFull = onTableFull(fields.optional("onTableFull"));
        Integer reuseDelay = portReuseDelay(fields.optional("portReuseDelaySeconds"));
        ConfigNode rulesNode = fields.optional("rules");
        List<Rule> rules = rules(rulesNode);
        if (dpid == null || name == null || inside == null || outside == null || portRange == null || timers == null
                || mssClamp == null || filtering == null || ftpPorts == null || limits == null || onTableFull == null
                || reuseDelay == null || rules == null) {
            return null;
        }
        SwitchConfig config = new SwitchConfig(dpid, name, inside, outside, portRange, timers, mssClamp, filtering,
                ftpPorts, limits, onTableFull, reuseDelay, rules);
        return validChain(config, rulesNode, node) ? config : null;
    }

    /** The implicit masquerade rule when absent; else each rule, id defaulting to "rule-<position>". */
    private List<Rule> rules(ConfigNode node) {
        if (node == null) {
            return List.of(SwitchConfig.implicitRule(numbers.next()));
        }
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
    private static boolean validChain(SwitchConfig config, ConfigNode rulesNode, ConfigNode switchNode) {
        var refusals = RuleValidator.checkAll(RuleChain.of(config.rules()), config);
        for (RuleValidator.PositionedRefusal p : refusals) {
            // Without a rules key the only rule is the implicit one, which has no addresses to get wrong.
            String rulePath = rulesNode == null ? switchNode.path() + ".rules"
                    : rulesNode.path() + "[" + (p.position() - 1) + "]";
            String field = p.refusal().field();
            switchNode.problems().error(field.isEmpty() ? rulePath : rulePath + "." + field, p.refusal().message());
        }
        return refusals.isEmpty();
    }

    private static TableFullPolicy onTableFull(ConfigNode node) {
        if (node == null) {
            return TableFullPolicy.DEFAULT;
        }
        String label = node.string();
        if (label == null) {
            return null;
        }
        var p = TableFullPolicy.byLabel(label);
        if (p.isEmpty()) {
            node.error(node.json() + " is not a table-full policy (\"icmp\" or \"drop\")");
            return null;
        }
        return p.get();
    }

    /** Seconds a released public port waits before another inside endpoint gets it; 0: none. */
    private static Integer portReuseDelay(ConfigNode node) {
        if (node == null) {
            return SwitchConfig.DEFAULT_PORT_REUSE_DELAY_SECONDS;
        }
        Long seconds = node.integer(0, SwitchConfig.MAX_PORT_REUSE_DELAY_SECONDS, "a delay in seconds");
        return seconds == null ? null : seconds.intValue();
    }

    /** The TCP ports of FTP control connections the ALG follows; {@code []} turns the ALG off. */
    private static Set<Integer> ftpPorts(ConfigNode node) {
        if (node == null) {
            return SwitchConfig.DEFAULT_FTP_PORTS;
        }
        List<ConfigNode> elements = node.array();
        if (elements == null) {
            return null;
        }
        Set<Integer> ports = new java.util.LinkedHashSet<>();
        boolean ok = true;
        for (ConfigNode e : elements) {
            Long port = e.integer(1, 65535, "a port number");
            if (port == null) {
                ok = false;
            } else if (!ports.add(port.intValue())) {
                e.error(port + " is listed twice");
                ok = false;
            }
        }
        return ok ? ports : null;
    }

    private static Filtering filtering(ConfigNode node) {
        if (node == null) {
            return Filtering.DEFAULT;
        }
        String label = node.string();
        if (label == null) {
            return null;
        }
        var f = Filtering.byLabel(label);
        if (f.isEmpty()) {
            node.error(node.json() + " is not a filtering mode (\"endpoint-independent\", \"address-dependent\" or"
                    + " \"address-and-port-dependent\")");
            return null;
        }
        return f.get();
    }

    /** Off when absent; a number; or "auto", the outside MTU less 40 (empty while the outside is wrong). */
    private static OptionalInt mssClamp(ConfigNode node, OutsideConfig outside) {
        if (node == null) {
            return OptionalInt.empty();
        }
        if (node.isString("auto")) {
            return outside == null ? OptionalInt.empty() : OptionalInt.of(outside.mtu() - SwitchConfig.MSS_HEADERS);
        }
        Long mss = node.integer(SwitchConfig.MIN_MSS, SwitchConfig.MAX_MSS, "\"auto\" or an MSS in bytes");
        return mss == null ? null : OptionalInt.of(mss.intValue());
    }

    private DatapathId dpid(ConfigNode node, String switchPath) {
        DatapathId dpid = node == null ? null : ValueSyntax.dpid(node);
        if (dpid == null) {
            return null;
        }
        String earlier = dpids.claim(dpid, switchPath);
        if (earlier != null) {
            node.error(node.json() + " is also used by " + earlier);
            return null;
        }
        return dpid;
    }

    /** The name given, or "s1", "s2", ... by position. */
    private String name(ConfigNode node, ConfigNode switchNode, int index) {
        if (node == null) {
            String name = "s" + (index + 1);
            String earlier = names.claim(name, switchNode.path());
            if (earlier != null) {
                switchNode.problems().error(switchNode.path() + ".name",
                        "the default \"" + name + "\" is also used by " + earlier + "; set a name");
                return null;
            }
            return name;
        }
        String name = node.string();
        if (name == null) {
            return null;
        }
        if (name.isBlank()) {
            node.error(node.json() + " must not be blank");
            return null;
        }
        String earlier = names.claim(name, switchNode.path());
        if (earlier != null) {
            node.error(node.json() + " is also used by " + earlier);
            return null;
        }
        return name;
    }

    private static List<InsideConfig> inside(ConfigNode node, InterfaceReader interfaces) {
        List<ConfigNode> elements = node == null ? null : node.nonEmptyArray();
        if (elements == null) {
            return null;
        }
        List<InsideConfig> result = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            result.add(interfaces.inside(elements.get(i), i));
        }
        return result.contains(null) ? null : result;
    }

    private static PortRange portRange(ConfigNode node) {
        if (node == null) {
            return PortRange.DEFAULT;
        }
        ConfigObject fields = node.object(RANGE_FIELDS);
        if (fields == null) {
            return null;
        }
        Integer first = rangeEnd(fields.optional("first"), PortRange.DEFAULT.first());
        ConfigNode lastNode = fields.optional("last");
        Integer last = rangeEnd(lastNode, PortRange.DEFAULT.last());
        if (first == null || last == null) {
            return null;
        }
        if (last < first) {
            lastNode.error(last + " is below first (" + first + ")"); // the default last, 65535, never is
            return null;
        }
        return new PortRange(first, last);
    }

    private static Integer rangeEnd(ConfigNode node, int fallback) {
        if (node == null) {
            return fallback;
        }
        Long port = node.integer(1, 65535, "a port number");
        return port == null ? null : port.intValue();
    }
}
