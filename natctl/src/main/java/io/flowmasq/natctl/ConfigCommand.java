package io.flowmasq.natctl;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code natctl config}: the configuration in force, defaults filled in, token masked. */
@Command(name = "config", description = "Print the effective configuration (JSON).")
final class ConfigCommand implements Callable<Integer> {
    @ParentCommand
    Natctl parent;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(Json.PRETTY.toJson(parent.client().get("/api/v1/config", Map.of())));
        return 0;
    }
}
