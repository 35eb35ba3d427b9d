package io.flowmasq.natctl;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code natctl switches}: the switches the controller knows. */
@Command(name = "switches", description = "List switches: connection, OpenFlow version, bindings, flows.")
final class SwitchesCommand extends NatctlCommand {

    @Override
    public Integer call() {
        JsonObject doc = api().get("/api/v1/switches", Map.of()).getAsJsonObject();
        PrintWriter out = out();
        if (printedAsJson(doc)) {
            return 0;
        }
        JsonArray switches = doc.getAsJsonArray("switches");
        Table table = new Table("DPID", "NAME", "VERSION", "CONNECTED", "CONFIGURED", "SINCE", "FROM", "BINDINGS",
                "FLOWS", "PORTS");
        for (JsonElement e : switches) {
            JsonObject s = e.getAsJsonObject();
            StringBuilder ports = new StringBuilder();
            JsonElement list = s.get("ports");
            if (list != null && list.isJsonArray()) {
                for (JsonElement p : list.getAsJsonArray()) {
                    JsonObject port = p.getAsJsonObject();
                    if (ports.length() > 0) {
                        ports.append(',');
                    }
                    ports.append(Json.text(port, "number"));
                    String role = Json.text(port, "role");
                    if (role != null) {
                        ports.append('(').append(role).append(')');
                    }
                    if (!"true".equals(Json.text(port, "up"))) {
                        ports.append("!down");
                    }
                }
            }
            table.row(Json.text(s, "dpid"), Json.text(s, "name"), Json.text(s, "version"), Json.text(s, "connected"),
                    Json.text(s, "configured"), Json.text(s, "connected_since"), Json.text(s, "remote_address"),
                    Json.text(s, "bindings"), Json.text(s, "flows"), ports.length() == 0 ? null : ports);
        }
        table.print(out);
        return 0;
    }
}
