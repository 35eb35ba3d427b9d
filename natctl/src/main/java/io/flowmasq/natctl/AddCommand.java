package io.flowmasq.natctl;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code natctl add}: a static binding, reachable from outside, that never expires. */
@Command(name = "add", description = "Create a static binding: INSIDE is reachable at PUBLIC from anywhere.")
final class AddCommand implements Callable<Integer> {
    @ParentCommand
    Natctl parent;
    @Spec
    CommandSpec spec;

    @Option(names = {"--proto", "-p"}, required = true, paramLabel = "PROTO", description = "tcp or udp")
    String proto;
    @Option(names = "--inside", required = true, paramLabel = "IP:PORT", description = "the inside endpoint")
    String inside;
    @Option(names = "--public", required = true, paramLabel = "IP:PORT", description = "the public endpoint")
    String publicEndpoint;
    @Option(names = "--switch", paramLabel = "DPID", description = "the switch (needed when there are several)")
    String switchId;
    @Option(names = "--json", description = "print the new binding as JSON")
    boolean json;

    @Override
    public Integer call() {
        JsonObject body = new JsonObject();
        if (switchId != null) {
            body.addProperty("switch", switchId);
        }
        body.addProperty("protocol", proto);
        body.addProperty("inside", inside);
        body.addProperty("public", publicEndpoint);
        JsonObject b = parent.client().post("/api/v1/bindings", body).getAsJsonObject();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.PRETTY.toJson(b));
        } else {
            out.println("binding " + Json.text(b, "id") + " created: " + Json.text(b, "protocol") + " "
                    + Json.endpoint(b, "inside") + " <-> " + Json.endpoint(b, "public"));
        }
        return 0;
    }
}
