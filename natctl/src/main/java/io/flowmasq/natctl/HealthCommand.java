package io.flowmasq.natctl;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code natctl health}: exit 0 when the controller is ready, 4 when it is not (or unreachable). */
@Command(name = "health", description = "Check that the controller runs and a switch is connected (exit 0), else exit 4.")
final class HealthCommand extends NatctlCommand {

    @Override
    public Integer call() {
        PrintWriter out = out();
        JsonObject doc;
        try {
            doc = api().get("/api/v1/health", Map.of()).getAsJsonObject();
        } catch (ApiException e) {
            if (e.exitCode() != ApiException.EXIT_UNREACHABLE) {
                throw e;
            }
            out.println("not ready: " + e.getMessage());
            return ApiException.EXIT_UNREACHABLE;
        }
        if (!printedAsJson(doc)) {
            out.println(Json.text(doc, "status") + ": " + Json.text(doc, "switches_connected") + " of "
                    + Json.text(doc, "switches_configured") + " switch(es) connected");
        }
        return "true".equals(Json.text(doc, "ready")) ? 0 : ApiException.EXIT_UNREACHABLE;
    }
}
