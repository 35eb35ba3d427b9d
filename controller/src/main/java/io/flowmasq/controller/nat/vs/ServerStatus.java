package io.flowmasq.controller.nat.vs;

import io.flowmasq.flowcompiler.Endpoint;

/**
 * What a virtual server's scheduler knows of one real server, at one moment.
 *
 * @param connections live connections as reported by the engine
 * @param bytes       bytes observed in the flow counters since the server was added (not decayed)
 * @param byteLoad    the figure the bytes policy compares: decayed bytes, raised to the floor on (re-)entry,
 *                    plus the estimated cost of connections not yet seen in a poll
 * @param chosen      new connections given to the server since it was added
 */
public record ServerStatus(Endpoint address, int weight, boolean up, int connections, long bytes, long byteLoad,
                           long chosen) {
    /** Up and with a weight: new connections may go to it. */
    public boolean inRotation() {
        return up && weight > 0;
    }
}
