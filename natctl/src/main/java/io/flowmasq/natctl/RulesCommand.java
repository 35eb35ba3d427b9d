package io.flowmasq.natctl;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code natctl rules}: the NAT rule chains, in order (the first matching rule wins), of one switch or of
 * every configured one; {@code rules add} and {@code rules delete} change a chain.
 */
@Command(name = "rules", description = "List NAT rules in chain order; 'rules add' and 'rules delete' change them.",
        subcommands = {RulesAddCommand.class, RulesDeleteCommand.class})
final class RulesCommand extends NatctlCommand {
    @Option(names = {"-s", "--switch"}, paramLabel = "DPID",
            description = "only this switch (--json: its document; otherwise a list of every switch's)")
    String switchId;

    @Override
    public Integer call() {
        ApiClient api = api();
        List<JsonObject> chains = new ArrayList<>();
        if (switchId != null) {
            chains.add(api.get(path(switchId), Map.of()).getAsJsonObject());
        } else {
            JsonObject switches = api.get("/api/v1/switches", Map.of()).getAsJsonObject();
            for (JsonElement s : switches.getAsJsonArray("switches")) {
                JsonObject sw = s.getAsJsonObject();
                if ("true".equals(Json.text(sw, "configured"))) { // an unconfigured switch has no chain
                    chains.add(api.get(path(Json.text(sw, "dpid")), Map.of()).getAsJsonObject());
                }
            }
        }
        if (switchId != null ? printedAsJson(chains.get(0)) : printedAsJson(array(chains))) {
            return 0;
        }
        PrintWriter out = out();
        Table table = new Table("SWITCH", "POS", "ID", "TYPE", "SUMMARY", "STATUS");
        for (JsonObject chain : chains) {
            for (JsonElement r : chain.getAsJsonArray("rules")) {
                row(table, Json.text(chain, "switch"), r.getAsJsonObject());
            }
        }
        table.print(out);
        out.println(table.size() + " rule(s)");
        return 0;
    }

    static void row(Table table, String dpid, JsonObject rule) {
        table.row(dpid, Json.text(rule, "position"), Json.text(rule, "id"), Json.text(rule, "type"),
                RuleText.summary(rule), RuleText.status(rule));
    }

    /** {@code /api/v1/switches/<dpid>/rules}, the dpid as one path segment whatever the user typed. */
    static String path(String dpid) {
        return "/api/v1/switches/" + PathSegments.encode(dpid) + "/rules";
    }

    private static JsonArray array(List<JsonObject> chains) {
        JsonArray all = new JsonArray();
        chains.forEach(all::add);
        return all;
    }
}
