package io.flowmasq.natctl;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code natctl delete ID} or {@code natctl delete --inside IP}: removes bindings (their flows first, then
 * the binding), like {@code conntrack -D}. Answers once the switch has confirmed the flows are gone.
 */
@Command(name = "delete", description = "Delete a binding by id, or every binding of an inside address.")
final class DeleteCommand extends NatctlCommand {
    @Parameters(paramLabel = "ID", arity = "0..1", description = "the binding's id")
    Long id;
    @Option(names = "--inside", paramLabel = "IP", description = "delete every binding of this inside address")
    String inside;
    @Option(names = {"--proto", "-p"}, paramLabel = "PROTO", description = "with --inside: only this protocol")
    String proto;
    @Option(names = "--switch", paramLabel = "DPID", description = "with --inside: only on this switch")
    String switchId;
    @Option(names = "--ignore-missing", description = "exit 0 when the binding does not exist")
    boolean ignoreMissing;

    @Override
    public Integer call() {
        if ((id == null) == (inside == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give a binding ID or --inside IP (not both)");
        }
        if (id == null ? false : proto != null || switchId != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--proto and --switch go with --inside");
        }
        ApiClient api = api();
        PrintWriter out = out();
        if (id != null) {
            JsonObject r = api.delete("/api/v1/bindings/" + id, Map.of()).getAsJsonObject();
            boolean removed = r.get("removed").getAsBoolean();
            if (!printedAsJson(r)) {
                out.println(removed ? "binding " + id + " deleted" : "binding " + id + " does not exist");
            }
            return removed || ignoreMissing ? 0 : ApiException.EXIT_NOT_FOUND;
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("inside", inside);
        query.put("proto", proto);
        query.put("switch", switchId);
        JsonObject r = api.delete("/api/v1/bindings", query).getAsJsonObject();
        if (!printedAsJson(r)) {
            out.println(Json.number(r, "count", 0) + " binding(s) deleted " + r.get("removed"));
        }
        return 0;
    }
}
