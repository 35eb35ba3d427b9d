package io.flowmasq.natctl;

import com.google.gson.JsonElement;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every subcommand has: the top-level options (through the root command), its own output, and --json. */
abstract class NatctlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--json", description = "print the API's answer as JSON (for scripts)")
    boolean json;

    ApiClient api() {
        // The root, not the parent: subcommands nest ("natctl rules add").
        return ((Natctl) spec.root().userObject()).client();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints {@code document} and returns true when --json was given; false (nothing printed) otherwise. */
    boolean printedAsJson(JsonElement document) {
        if (json) {
            out().println(Json.PRETTY.toJson(document));
        }
        return json;
    }
}
