package io.flowmasq.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
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

    /**
     * A switch's NAT rule chain, in order: {@code {"switch": dpid, "rules": [view, ...]}}, each view
     * {@code {"position": 1, "id": ..., "number": ..., "type": ..., <form fields as in the config>, "match":
     * {...}, "status": {...}}}. {@code dpid} is in colon form ({@code 00:00:00:00:00:00:00:01}). Fails with
     * NOT_FOUND (field "dpid") for a switch that is not configured.
     */
    JsonObject rules(String dpid);

    /**
     * Validates {@code rule} (a rule as the config writes it, without "position") against the switch's chain,
     * inserts it at {@code position} (1-based; null appends; later rules move down) and installs its flows if
     * the switch is connected (a disconnected switch gets them at connect). Completes with the new rule's view
     * (as in {@link #rules}). Fails with NOT_FOUND (unknown switch), INVALID naming the field (e.g. "public",
     * "servers", "position"), or CONFLICT naming the rule in the way
     * ({@link NatServiceException#ruleConflict}).
     */
    CompletableFuture<JsonObject> addRule(String dpid, Integer position, JsonObject rule);

    /**
     * Removes rule {@code id} from the switch's chain, with its flows and the bindings it made; completes with
     * {@code {"deleted": id, "bindingsRemoved": n}}. Fails with NOT_FOUND (field "dpid" or "id").
     */
    CompletableFuture<JsonObject> deleteRule(String dpid, String id);

    StatsView stats();

    /** The configuration in force, as the JSON document the config file would hold (secrets masked). */
    JsonElement effectiveConfig();

    HealthView health();
}
