package io.flowmasq.natctl;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code natctl health}: exit 0 when the controller is ready, 4 when it is not (or unreachable). */
@Command(name = "health", description = "Check that the controller runs and a switch is connected (exit 0), else exit 4.")
final class HealthCommand implements Callable<Integer> {
    @ParentCommand
    Natctl parent;
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print the API's document as JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JsonObject doc;
        try {
            doc = parent.client().get("/api/v1/health", Map.of()).getAsJsonObject();
        } catch (ApiException e) {
            if (e.exitCode() != ApiException.EXIT_UNREACHABLE) {
                throw e;
            }
            out.println("not ready: " + e.getMessage());
            return ApiException.EXIT_UNREACHABLE;
        }
        if (json) {
            out.println(Json.PRETTY.toJson(doc));
        } else {
            out.println(Json.text(doc, "status") + ": " + Json.text(doc, "switches_connected") + " of "
                    + Json.text(doc, "switches_configured") + " switch(es) connected");
        }
        return "true".equals(Json.text(doc, "ready")) ? 0 : ApiException.EXIT_UNREACHABLE;
    }
}
