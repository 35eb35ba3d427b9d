package io.flowmasq.natctl;

import com.google.gson.JsonObject;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code natctl rules delete -s DPID ID}: removes a rule, its flows and the bindings it made. */
@Command(name = "delete", description = "Delete a rule from a switch's chain, with its flows and bindings.")
final class RulesDeleteCommand extends NatctlCommand {
    @Option(names = {"-s", "--switch"}, required = true, paramLabel = "DPID", description = "the switch")
    String switchId;
    @Parameters(paramLabel = "ID", description = "the rule's id")
    String id;

    @Override
    public Integer call() {
        JsonObject r = api().delete(RulesCommand.path(switchId) + "/" + PathSegments.encode(id), Map.of())
                .getAsJsonObject();
        if (!printedAsJson(r)) {
            out().println("rule '" + Json.text(r, "deleted") + "' deleted (" + Json.number(r, "bindingsRemoved", 0)
                    + " binding(s) removed)");
        }
        return 0;
    }
}
