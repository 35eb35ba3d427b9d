package io.flowmasq.bench.loadgen;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * The controller configuration the load generator runs against: {@code switches} switches with dpids 1..N,
 * inside ports 1 and 2 on 10.0.0.0/8, outside port 3 with {@code publicAddresses} public addresses in
 * 203.0.113.0/24 (the full dynamic port range 1024-65535 on each), next hop 203.0.113.254. Timers and
 * filtering are the defaults an operator gets.
 */
public final class BenchConfig {
    public static final int NEXT_HOP = (203 << 24) | (0 << 16) | (113 << 8) | 254;
    public static final byte[] NEXT_HOP_MAC = {0x02, 0x00, 0x00, 0x00, 0x00, (byte) 0xfe};
    public static final int PUBLIC_ADDRESS = (203 << 24) | (113 << 8) | 1;

    private BenchConfig() {
    }

    public static DatapathId dpid(int index) {
        return DatapathId.of(index + 1L);
    }

    public static byte[] insideMac(int index) {
        return new byte[] {0x02, (byte) 0xf1, 0x00, (byte) (index >>> 8), (byte) index, 0x01};
    }

    public static byte[] outsideMac(int index) {
        return new byte[] {0x02, (byte) 0xf1, 0x00, (byte) (index >>> 8), (byte) index, 0x02};
    }

    public static String json(int switches, int publicAddresses, String openflowAddress, int openflowPort,
                              int restPort) {
        if (publicAddresses < 1 || publicAddresses > 250) {
            throw new IllegalArgumentException("publicAddresses must be 1..250");
        }
        JsonObject root = new JsonObject();
        root.add("openflow", listen(openflowAddress, openflowPort));
        root.add("rest", listen("127.0.0.1", restPort));
        JsonObject timers = new JsonObject();
        timers.addProperty("profile", "rfc");
        root.add("timers", timers);
        JsonArray list = new JsonArray();
        for (int i = 0; i < switches; i++) {
            JsonObject sw = new JsonObject();
            sw.addProperty("dpid", dpid(i).toString());
            sw.addProperty("name", "b" + (i + 1));
            JsonObject inside = new JsonObject();
            JsonArray ports = new JsonArray();
            ports.add(1);
            ports.add(2);
            inside.add("ports", ports);
            inside.addProperty("gateway", "10.0.0.1/8");
            inside.addProperty("mac", mac(insideMac(i)));
            JsonArray insides = new JsonArray();
            insides.add(inside);
            sw.add("inside", insides);
            JsonObject outside = new JsonObject();
            outside.addProperty("port", 3);
            outside.addProperty("address", "203.0.113.1/24");
            JsonArray pub = new JsonArray();
            for (int a = 1; a <= publicAddresses; a++) {
                pub.add("203.0.113." + a);
            }
            outside.add("publicAddresses", pub);
            outside.addProperty("mac", mac(outsideMac(i)));
            outside.addProperty("nextHop", "203.0.113.254");
            sw.add("outside", outside);
            // Flood protection off: the load generator is one "host" per emulated flow source sending far above
            // any per-host rate and the switch-wide packet-in budget, and its emulated switch has no meters.
            JsonObject limits = new JsonObject();
            limits.addProperty("bindingsPerHost", 0);
            limits.addProperty("newBindingsPerSecond", 0);
            limits.addProperty("packetInsPerSecond", 0);
            limits.addProperty("meterPacketsPerSecond", 0);
            sw.add("limits", limits);
            // No port reuse delay: a churning round releases ports far faster than the default 120 s lets them
            // come back, and would end up measuring refusals instead of binding setup.
            sw.addProperty("portReuseDelaySeconds", 0);
            list.add(sw);
        }
        root.add("switches", list);
        return root.toString();
    }

    private static JsonObject listen(String address, int port) {
        JsonObject o = new JsonObject();
        o.addProperty("address", address);
        o.addProperty("port", port);
        return o;
    }

    static String mac(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            if (i > 0) {
                s.append(':');
            }
            s.append(String.format("%02x", b[i] & 0xff));
        }
        return s.toString();
    }
}
