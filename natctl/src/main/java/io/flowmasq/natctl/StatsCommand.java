package io.flowmasq.natctl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code natctl stats}: bindings by protocol, packet-in rate and every counter. */
@Command(name = "stats", description = "Show bindings by protocol, packet-ins per second and all counters.")
final class StatsCommand extends NatctlCommand {

    @Override
    public Integer call() {
        JsonObject doc = api().get("/api/v1/stats", Map.of()).getAsJsonObject();
        PrintWriter out = out();
        if (printedAsJson(doc)) {
            return 0;
        }
        Table summary = new Table("WHAT", "VALUE");
        JsonObject byProtocol = Json.object(doc, "bindings_by_protocol");
        if (byProtocol != null) {
            for (Map.Entry<String, JsonElement> e : byProtocol.entrySet()) {
                summary.row("bindings " + e.getKey(), e.getValue().getAsString());
            }
        }
        summary.row("bindings total", Json.text(doc, "bindings_total"));
        summary.row("packet-ins/s", String.format(java.util.Locale.ROOT, "%.1f",
                doc.has("packet_ins_per_second") ? doc.get("packet_ins_per_second").getAsDouble() : 0.0));
        summary.print(out);
        out.println();
        Table counters = new Table("COUNTER", "VALUE");
        JsonObject c = Json.object(doc, "counters");
        if (c != null) {
            for (Map.Entry<String, JsonElement> e : c.entrySet()) {
                counters.row(e.getKey(), e.getValue().getAsString());
            }
        }
        counters.print(out);
        return 0;
    }
}
