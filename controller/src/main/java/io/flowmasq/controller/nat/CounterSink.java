package io.flowmasq.controller.nat;

/** Where the engine counts what it did and what it refused; names are stable ("nat.binding_created"). */
@FunctionalInterface
public interface CounterSink {
    void increment(String name);
}
