package io.flowmasq.controller.session;

import com.google.gson.JsonObject;
import io.flowmasq.rest.NatServiceException;
import java.util.concurrent.CompletableFuture;

/**
 * The rule chains behind the REST API's {@code /switches/{dpid}/rules}: what {@link ControllerNatService}
 * delegates its rule operations to, with the same contract as the {@link io.flowmasq.rest.NatService}
 * methods of the same names (dpid in colon form, rules as config JSON, failures as
 * {@link NatServiceException}).
 */
public interface RuleService {
    /** Until the rule chain is wired in: every rule operation is refused as unavailable (503). */
    RuleService UNAVAILABLE = new RuleService() {
        @Override
        public JsonObject rules(String dpid) {
            throw unavailable();
        }

        @Override
        public CompletableFuture<JsonObject> addRule(String dpid, Integer position, JsonObject rule) {
            return CompletableFuture.failedFuture(unavailable());
        }

        @Override
        public CompletableFuture<JsonObject> deleteRule(String dpid, String id) {
            return CompletableFuture.failedFuture(unavailable());
        }

        private NatServiceException unavailable() {
            return NatServiceException.unavailable("rules not available");
        }
    };

    JsonObject rules(String dpid);

    CompletableFuture<JsonObject> addRule(String dpid, Integer position, JsonObject rule);

    CompletableFuture<JsonObject> deleteRule(String dpid, String id);
}
