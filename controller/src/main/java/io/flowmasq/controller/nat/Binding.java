package io.flowmasq.controller.nat;

import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import java.util.Objects;

/** A live NAPT binding: the flows it installed ({@code spec}) and when it was created (ms, engine clock). */
public record Binding(BindingSpec spec, long createdAt) {
    public Binding {
        Objects.requireNonNull(spec, "spec");
    }

    public long id() {
        return spec.id();
    }

    public Protocol protocol() {
        return spec.protocol();
    }

    public Endpoint inside() {
        return spec.inside();
    }

    public Endpoint external() {
        return spec.external();
    }
}
