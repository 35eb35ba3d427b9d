package io.flowmasq.controller.nat;

import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import java.util.Objects;

/**
 * A live NAPT binding: the flows it installed ({@code spec}, whose idle timeout is the one in force), when
 * it was created (ms, engine clock), its {@link BindingState}, whether traffic or an operator made it, and
 * the number of the rule it was made under ({@code rule}, 0 for none: an operator's own static binding,
 * an ALG's or an adopted binding no rule claims).
 */
public record Binding(BindingSpec spec, long createdAt, BindingState state, Origin origin, int rule) {
    /** Who made a binding. A static one never expires and is not re-timed by TCP state. */
    public enum Origin {
        DYNAMIC, STATIC;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Binding {
        if (rule < 0) {
            throw new IllegalArgumentException("rule number must not be negative: " + rule);
        }
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(origin, "origin");
        if ((origin == Origin.STATIC) != (spec.idleTimeout() == 0)) {
            throw new IllegalArgumentException("a binding has idle timeout 0 exactly when it is static: " + spec);
        }
    }

    /** A binding made under no rule. */
    public Binding(BindingSpec spec, long createdAt, BindingState state, Origin origin) {
        this(spec, createdAt, state, origin, 0);
    }

    /** A dynamic binding (made by traffic). */
    public Binding(BindingSpec spec, long createdAt, BindingState state) {
        this(spec, createdAt, state, Origin.DYNAMIC);
    }

    /** The same binding, claimed by rule {@code number}. */
    public Binding withRule(int number) {
        return new Binding(spec, createdAt, state, origin, number);
    }

    /** A binding in the state a switch without TCP tracking keeps it in (ESTABLISHED for TCP, else ACTIVE). */
    public Binding(BindingSpec spec, long createdAt) {
        this(spec, createdAt, BindingState.initial(spec.protocol(), false));
    }

    /** The same binding with re-timed flows and a new state. */
    public Binding with(BindingSpec newSpec, BindingState newState) {
        if (newSpec.id() != spec.id()) {
            throw new IllegalArgumentException("binding " + spec.id() + " cannot become " + newSpec.id());
        }
        return new Binding(newSpec, createdAt, newState, origin, rule);
    }

    public boolean isStatic() {
        return origin == Origin.STATIC;
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
