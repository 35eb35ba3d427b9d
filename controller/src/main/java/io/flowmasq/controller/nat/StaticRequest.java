package io.flowmasq.controller.nat;

import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import java.util.Objects;

/** An operator's request for a static binding: {@code inside} is always reachable at {@code external}. */
public record StaticRequest(Protocol protocol, Endpoint inside, Endpoint external) {
    public StaticRequest {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(inside, "inside");
        Objects.requireNonNull(external, "external");
    }
}
