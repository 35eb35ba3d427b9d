package io.flowmasq.rest;

import java.util.List;
import java.util.Map;

/**
 * What the REST API asks of the controller. Implemented by the controller; this module knows
 * nothing of OpenFlow. Implementations must be safe to call from the HTTP server's threads.
 */
public interface NatService {
    List<BindingView> bindings();

    List<SwitchView> switches();

    /** Named monotonic counters (packet-ins, bindings created, errors by type, ...). */
    Map<String, Long> counters();

    /** True when the engine runs and at least one configured switch is connected. */
    boolean ready();
}
