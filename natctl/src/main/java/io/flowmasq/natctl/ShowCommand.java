package io.flowmasq.natctl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code natctl show ID}: one binding with everything the API knows of it. */
@Command(name = "show", description = "Show one binding.")
final class ShowCommand extends NatctlCommand {
    @Parameters(paramLabel = "ID", description = "the binding's id")
    long id;

    @Override
    public Integer call() {
        JsonObject b = api().get("/api/v1/bindings/" + id, Map.of()).getAsJsonObject();
        PrintWriter out = out();
        if (printedAsJson(b)) {
            return 0;
        }
        print(out, "", b);
        return 0;
    }

    private static void print(PrintWriter out, String indent, JsonObject o) {
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            JsonElement v = e.getValue();
            if (v.isJsonObject()) {
                out.println(indent + e.getKey() + ":");
                print(out, indent + "  ", v.getAsJsonObject());
            } else if (v.isJsonArray()) {
                out.println(indent + e.getKey() + ": " + (v.getAsJsonArray().isEmpty() ? "none" : ""));
                for (JsonElement item : v.getAsJsonArray()) {
                    if (item.isJsonObject()) {
                        out.println(indent + "  -");
                        print(out, indent + "    ", item.getAsJsonObject());
                    } else {
                        out.println(indent + "  - " + item.getAsString());
                    }
                }
            } else {
                out.println(indent + e.getKey() + ": " + (v.isJsonNull() ? "-" : v.getAsString()));
            }
        }
    }
}
