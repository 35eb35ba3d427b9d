package io.flowmasq.bench.fuzz;

import com.google.gson.JsonObject;
import io.flowmasq.controller.fuzz.ChannelFuzzer;
import io.flowmasq.controller.fuzz.FuzzNetwork;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * {@code flowmasq-bench fuzz --controller HOST:PORT --dpid DPID --version 1.3|1.0 --messages N --seed S
 * [--inside 10.0.0.1/24 --inside-ports 1,2 --outside-port 3 --public 203.0.113.1 --next-hop 203.0.113.10
 * --gateway-mac M --outside-mac M --remotes A,B]}: connects to a running controller as the configured
 * switch DPID and sends N seeded, mutated OpenFlow messages (see {@link ChannelFuzzer}); prints one JSON
 * line with what it did. The addresses must match the controller's configuration of that switch.
 */
public final class FuzzMain {
    private FuzzMain() {
    }

    public static void main(String[] args, int from) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("--version", "1.3", "--messages", "100000", "--seed", "1",
                "--inside", "10.0.0.1/24", "--inside-ports", "1,2", "--outside-port", "3",
                "--public", "203.0.113.1", "--next-hop", "203.0.113.10", "--remotes", "198.51.100.20,192.0.2.7"));
        o.put("--gateway-mac", "02:f1:00:00:00:01");
        o.put("--outside-mac", "02:f1:00:00:00:02");
        for (int i = from; i < args.length; i += 2) {
            if (i + 1 >= args.length || !args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value at " + args[i]);
            }
            o.put(args[i], args[i + 1]);
        }
        String[] hostPort = require(o, "--controller").split(":");
        InetSocketAddress controller = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        OFVersion version = switch (o.get("--version")) {
            case "1.0" -> OFVersion.OF_10;
            case "1.3" -> OFVersion.OF_13;
            default -> throw new IllegalArgumentException("--version must be 1.0 or 1.3");
        };
        String[] inside = o.get("--inside").split("/");
        IPv4Address gateway = IPv4Address.of(inside[0]);
        List<Integer> insidePorts = new ArrayList<>();
        for (String p : o.get("--inside-ports").split(",")) {
            insidePorts.add(Integer.parseInt(p.trim()));
        }
        List<IPv4Address> remotes = new ArrayList<>();
        for (String r : o.get("--remotes").split(",")) {
            remotes.add(IPv4Address.of(r.trim()));
        }
        FuzzNetwork net = new FuzzNetwork(IPv4Address.of(gateway.getInt() + 10), 8, gateway,
                MacAddress.of(o.get("--gateway-mac")), insidePorts, IPv4Address.of(o.get("--public")),
                MacAddress.of(o.get("--outside-mac")), IPv4Address.of(o.get("--next-hop")),
                MacAddress.of("00:00:00:00:fa:22"), remotes, Integer.parseInt(o.get("--outside-port")));
        long seed = Long.decode(o.get("--seed"));
        ChannelFuzzer.Result r = new ChannelFuzzer(controller, version, DatapathId.of(require(o, "--dpid")), net, seed)
                .run(Long.parseLong(o.get("--messages")));
        JsonObject out = new JsonObject();
        out.addProperty("seed", seed);
        out.addProperty("version", version.toString());
        out.addProperty("sent", r.sent());
        out.addProperty("reconnects", r.reconnects());
        out.addProperty("restarts", r.restarts());
        out.addProperty("unexpected_closes", r.unexpectedCloses());
        out.addProperty("received", r.received());
        out.addProperty("echoes_answered", r.echoesAnswered());
        out.addProperty("millis", r.millis());
        System.out.println(out);
    }

    private static String require(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException(key + " is required");
        }
        return v;
    }
}
