package io.flowmasq.controller.config;

import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.projectfloodlight.openflow.types.IPv4Address;

/** Reads the top level of a parsed file into a {@link FlowmasqConfig}, reporting every mistake. */
final class ConfigReader {
    static final ListenConfig OPENFLOW_DEFAULT = new ListenConfig("0.0.0.0", 6653);
    static final ListenConfig REST_DEFAULT = new ListenConfig("127.0.0.1", 8080);

    private static final Set<String> FIELDS = Set.of("openflow", "rest", "timers", "switches");
    private static final Set<String> LISTEN_FIELDS = Set.of("address", "port");

    private ConfigReader() {
    }

    /** The configuration, or null when {@code problems} received at least one error. */
    static FlowmasqConfig read(JsonElement root, Problems problems) {
        ConfigObject fields = new ConfigNode("", root, problems).object(FIELDS);
        if (fields == null) {
            return null;
        }
        ListenConfig openflow = listen(fields.optional("openflow"), OPENFLOW_DEFAULT);
        ListenConfig rest = listen(fields.optional("rest"), REST_DEFAULT);
        TimerConfig timers = TimerReader.read(fields.optional("timers"), TimerConfig.RFC);
        // Switches are checked against the RFC values when the global timers are wrong, to find their own mistakes.
        List<SwitchConfig> switches = switches(fields.required("switches"), timers == null ? TimerConfig.RFC : timers);
        if (openflow == null || rest == null || timers == null || switches == null) {
            return null;
        }
        return new FlowmasqConfig(openflow, rest, timers, switches);
    }

    private static ListenConfig listen(ConfigNode node, ListenConfig defaults) {
        if (node == null) {
            return defaults;
        }
        ConfigObject fields = node.object(LISTEN_FIELDS);
        if (fields == null) {
            return null;
        }
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
        SwitchReader reader = new SwitchReader(timers);
        List<SwitchConfig> result = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            result.add(reader.read(elements.get(i), i));
        }
        return result.contains(null) ? null : result;
    }
}
