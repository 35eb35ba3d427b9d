package io.flowmasq.controller.session;

/** Told how long the controller took to answer each packet-in (the setup-latency histogram). */
@FunctionalInterface
public interface SetupTimer {
    SetupTimer NONE = (dpid, nanos) -> { };

    void record(String dpid, long nanos);
}
