package io.flowmasq.rest;

import com.google.gson.JsonElement;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the REST API asks of the controller. Implemented by the controller; this module knows nothing
 * of OpenFlow. Implementations must be safe to call from the HTTP server's threads and must not block
 * for long: operations that wait for a switch return a future.
 *
 * <p>Semantic failures (unknown switch, conflicting binding, switch not connected) are reported as
 * {@link NatServiceException}, thrown directly or completing the future exceptionally.
 */
public interface NatService {
    /**
     * A consistent snapshot of every switch's bindings, ordered by id (ids are unique across switches):
     * each switch's table as it was at one instant. The list may convert lazily as it is read, so a
     * caller streaming a large listing does not hold a second copy.
     */
    List<BindingView> bindings();

    /**
     * Removes a binding: deletes its flows on the switch, waits for the switch to confirm (barrier),
     * then releases the binding and its public port. Completes with true when the binding was removed,
     * false when there was no such binding (so repeating a delete is harmless).
     */
    CompletableFuture<Boolean> deleteBinding(long id);

    /**
     * Creates a static (operator) binding and installs its flows; completes with the new binding once
     * the switch has confirmed them. Fails with {@link NatServiceException} of kind INVALID naming the
     * field, CONFLICT naming the conflicting binding, or UNAVAILABLE when the switch is not connected.
     */
    CompletableFuture<BindingView> createBinding(StaticBindingRequest request);

    List<SwitchView> switches();

    StatsView stats();

    /** The configuration in force, as the JSON document the config file would hold (secrets masked). */
    JsonElement effectiveConfig();

    HealthView health();
}
