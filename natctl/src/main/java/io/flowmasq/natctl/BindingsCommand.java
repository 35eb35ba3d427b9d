package io.flowmasq.natctl;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code natctl bindings}: the binding table, like {@code conntrack -L}. */
@Command(name = "bindings", aliases = "list", description = "List NAT bindings (all pages), optionally filtered.")
final class BindingsCommand extends NatctlCommand {
    @Option(names = "--inside", paramLabel = "IP", description = "only bindings of this inside address")
    String inside;
    @Option(names = "--public", paramLabel = "IP[:PORT]", description = "only bindings on this public address (and port)")
    String publicEndpoint;
    @Option(names = {"--proto", "-p"}, paramLabel = "PROTO", description = "tcp, udp or icmp")
    String proto;
    @Option(names = "--switch", paramLabel = "DPID", description = "only bindings of this switch")
    String switchId;
    @Option(names = "--state", paramLabel = "STATE", description = "e.g. established, transitory, closing, active")
    String state;
    @Option(names = "--origin", paramLabel = "ORIGIN", description = "dynamic or static")
    String origin;

    @Override
    public Integer call() {
        ApiClient api = api();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("inside", inside);
        query.put("public", publicEndpoint);
        query.put("proto", proto);
        query.put("switch", switchId);
        query.put("state", state);
        query.put("origin", origin);
        query.put("limit", "10000");
        JsonArray all = new JsonArray();
        String cursor = null;
        do {
            query.put("cursor", cursor);
            JsonObject page = api.get("/api/v1/bindings", query).getAsJsonObject();
            page.getAsJsonArray("bindings").forEach(all::add);
            cursor = Json.text(page, "next_cursor");
        } while (cursor != null);
        PrintWriter out = out();
        if (printedAsJson(all)) {
            return 0;
        }
        Table table = new Table("ID", "SWITCH", "PROTO", "INSIDE", "PUBLIC", "REMOTE", "STATE", "ORIGIN", "AGE",
                "IDLE-LEFT", "PKTS-OUT", "PKTS-IN", "BYTES-OUT", "BYTES-IN");
        for (JsonElement e : all) {
            JsonObject b = e.getAsJsonObject();
            JsonObject t = Json.object(b, "traffic");
            String idleLeft = Json.text(b, "idle_seconds_left");
            table.row(Json.text(b, "id"), Json.text(b, "switch_name"), Json.text(b, "protocol"),
                    Json.endpoint(b, "inside"), Json.endpoint(b, "public"), Json.text(b, "remote"),
                    Json.text(b, "state"), Json.text(b, "origin"), Json.text(b, "age_seconds") + "s",
                    idleLeft == null ? null : idleLeft + "s", Json.text(t, "packets_out"), Json.text(t, "packets_in"),
                    Json.text(t, "bytes_out"), Json.text(t, "bytes_in"));
        }
        table.print(out);
        out.println(table.size() + " binding(s)");
        return 0;
    }
}
