package io.flowmasq.controller.nat.vs;

import io.flowmasq.flowcompiler.Endpoint;

/** The scheduler's mutable state of one real server. Confined to {@link ServerScheduler}. */
final class ServerSlot {
    final Endpoint address;
    int weight;
    boolean up = true;
    int connections;
    long bytes;
    long chosen;
    /** Smooth weighted round robin: the server's current weight. */
    long current;
    /** Bytes policy: decayed bytes measured, raised to the floor on (re-)entry. */
    double byteLoad;
    /** Bytes policy: estimated cost of connections chosen after the last poll's snapshot. */
    double pending;

    ServerSlot(Endpoint address, int weight) {
        this.address = address;
        this.weight = weight;
    }

    boolean inRotation() {
        return up && weight > 0;
    }

    /** Bytes policy: load per unit of weight (only asked of servers in rotation). */
    double bytesPerWeight() {
        return (byteLoad + pending) / weight;
    }

    ServerStatus status() {
        return new ServerStatus(address, weight, up, connections, bytes, Math.round(byteLoad + pending), chosen);
    }
}
