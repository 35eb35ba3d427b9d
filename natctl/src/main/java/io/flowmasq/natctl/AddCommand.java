package io.flowmasq.natctl;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code natctl add}: a static binding, reachable from outside, that never expires. */
@Command(name = "add", description = "Create a static binding: INSIDE is reachable at PUBLIC from anywhere.")
final class AddCommand extends NatctlCommand {
    @Option(names = {"--proto", "-p"}, required = true, paramLabel = "PROTO", description = "tcp or udp")
    String proto;
    @Option(names = "--inside", required = true, paramLabel = "IP:PORT", description = "the inside endpoint")
    String inside;
    @Option(names = "--public", required = true, paramLabel = "IP:PORT", description = "the public endpoint")
    String publicEndpoint;
    @Option(names = "--switch", paramLabel = "DPID", description = "the switch (needed when there are several)")
    String switchId;

    @Override
    public Integer call() {
        JsonObject body = new JsonObject();
        if (switchId != null) {
            body.addProperty("switch", switchId);
        }
        body.addProperty("protocol", proto);
        body.addProperty("inside", inside);
        body.addProperty("public", publicEndpoint);
        JsonObject b = api().post("/api/v1/bindings", body).getAsJsonObject();
        PrintWriter out = out();
        if (!printedAsJson(b)) {
            out.println("binding " + Json.text(b, "id") + " created: " + Json.text(b, "protocol") + " "
                    + Json.endpoint(b, "inside") + " <-> " + Json.endpoint(b, "public"));
        }
        return 0;
    }
}
