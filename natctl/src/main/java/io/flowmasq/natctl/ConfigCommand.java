package io.flowmasq.natctl;

import java.util.Map;
import picocli.CommandLine.Command;

/** {@code natctl config}: the configuration in force, defaults filled in, token masked. */
@Command(name = "config", description = "Print the effective configuration (always JSON).")
final class ConfigCommand extends NatctlCommand {
    @Override
    public Integer call() {
        spec.commandLine().getOut().println(Json.PRETTY.toJson(api().get("/api/v1/config", Map.of())));
        return 0;
    }
}
