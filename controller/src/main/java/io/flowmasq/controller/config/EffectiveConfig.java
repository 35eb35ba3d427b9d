package io.flowmasq.controller.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.flowmasq.controller.nat.rules.RuleJson;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The configuration in force, written back in the file's own format with every default filled in, so an
 * operator sees what the controller actually uses ({@code GET /api/v1/config}). The REST token is masked.
 */
public final class EffectiveConfig {
    static final String MASK = "********";

    private EffectiveConfig() {
    }

    public static JsonObject toJson(FlowmasqConfig c) {
        JsonObject o = new JsonObject();
        o.add("openflow", listen(c.openflow()));
        JsonObject rest = listen(c.rest());
        c.restToken().ifPresent(t -> rest.addProperty("token", MASK));
        o.add("rest", rest);
        o.add("timers", timers(c.timers()));
        JsonObject statistics = new JsonObject();
        statistics.addProperty("intervalSeconds", c.statsIntervalSeconds());
        o.add("statistics", statistics);
        c.bindingLog().ifPresent(b -> {
            JsonObject log = new JsonObject();
            log.addProperty("path", b.path().toString());
            log.addProperty("maxFileMegabytes", b.maxFileMegabytes());
            log.addProperty("maxFiles", b.maxFiles());
            o.add("bindingLog", log);
        });
        c.rulesFile().ifPresent(f -> o.addProperty("rulesFile", f.toString()));
        JsonArray switches = new JsonArray();
        c.switches().forEach(s -> switches.add(switchConfig(s)));
        o.add("switches", switches);
        return o;
    }

    private static JsonObject listen(ListenConfig l) {
        JsonObject o = new JsonObject();
        o.addProperty("address", l.address());
        o.addProperty("port", l.port());
        return o;
    }

    private static JsonObject timers(TimerConfig t) {
        JsonObject o = new JsonObject();
        o.addProperty("profile", t.profile());
        o.addProperty("tcpEstablished", t.tcpEstablished());
        o.addProperty("tcpTransitory", t.tcpTransitory());
        o.addProperty("udp", t.udp());
        o.addProperty("icmp", t.icmp());
        return o;
    }

    private static JsonObject switchConfig(SwitchConfig s) {
        JsonObject o = new JsonObject();
        o.addProperty("dpid", s.dpid().toString());
        o.addProperty("name", s.name());
        JsonArray inside = new JsonArray();
        for (InsideConfig i : s.inside()) {
            JsonObject n = new JsonObject();
            n.add("ports", ports(i.ports().toArray(new OFPort[0])));
            n.addProperty("gateway", i.gateway() + "/" + i.prefixLength());
            n.addProperty("mac", i.mac().toString());
            inside.add(n);
        }
        o.add("inside", inside);
        OutsideConfig out = s.outside();
        JsonObject outside = new JsonObject();
        outside.addProperty("port", out.port().getPortNumber() & 0xffffffffL);
        outside.addProperty("address", out.address() + "/" + out.prefixLength());
        JsonArray publicAddresses = new JsonArray();
        for (IPv4Address a : out.publicAddresses()) {
            publicAddresses.add(a.toString());
        }
        outside.add("publicAddresses", publicAddresses);
        outside.addProperty("mac", out.mac().toString());
        outside.addProperty("nextHop", out.nextHop().toString());
        outside.addProperty("mtu", out.mtu());
        o.add("outside", outside);
        JsonObject range = new JsonObject();
        range.addProperty("first", s.portRange().first());
        range.addProperty("last", s.portRange().last());
        o.add("portRange", range);
        o.add("timers", timers(s.timers()));
        if (s.mssClamp().isPresent()) {
            o.addProperty("mssClamp", s.mssClamp().getAsInt());
        }
        o.addProperty("filtering", s.filtering().label());
        JsonArray ftp = new JsonArray();
        s.ftpPorts().stream().sorted().forEach(ftp::add);
        o.add("ftpPorts", ftp);
        o.addProperty("portReuseDelaySeconds", s.portReuseDelaySeconds());
        o.addProperty("onTableFull", s.onTableFull().label());
        o.add("limits", limits(s.limits()));
        JsonArray rules = new JsonArray();
        s.rules().forEach(r -> rules.add(RuleJson.toJson(r)));
        o.add("rules", rules);
        return o;
    }

    private static JsonObject limits(LimitsConfig l) {
        JsonObject o = new JsonObject();
        o.addProperty("bindingsPerHost", l.bindingsPerHost());
        o.addProperty("newBindingsPerSecond", l.newBindingsPerSecond());
        o.addProperty("newBindingsBurst", l.newBindingsBurst());
        o.addProperty("penaltySeconds", l.penaltySeconds());
        o.addProperty("packetInsPerSecond", l.packetInsPerSecond());
        o.addProperty("packetInBurst", l.packetInBurst());
        o.addProperty("meterPacketsPerSecond", l.meterPacketsPerSecond());
        o.addProperty("meterBurst", l.meterBurst());
        return o;
    }

    private static JsonArray ports(OFPort... ports) {
        JsonArray a = new JsonArray();
        for (OFPort p : ports) {
            a.add(p.getPortNumber() & 0xffffffffL);
        }
        return a;
    }
}
