package io.flowmasq.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import static io.flowmasq.rest.Endpoint.done;

/**
 * {@code /switches/{dpid}/rules}: a switch's NAT rule chain: list, one by id, insert, delete. Rules travel as
 * JSON objects the controller reads and writes; this class only routes them and checks the envelope.
 */
final class RulesApi {
    static final String PATH = ApiV1.PREFIX + "/switches/{dpid}/rules";
    static final String ONE = PATH + "/{id}";

    private final NatService service;

    RulesApi(NatService service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    Routes.Builder addTo(Routes.Builder routes) {
        return routes
                .get(PATH, this::list)
                .route(HttpMethod.POST, PATH, Set.of(), Routes.Access.TOKEN, this::create)
                .get(ONE, this::one)
                .route(HttpMethod.DELETE, ONE, Set.of(), Routes.Access.TOKEN, this::delete);
    }

    private CompletionStage<Reply> list(ApiRequest request) {
        return done(ApiResponse.ok(service.rules(dpid(request))));
    }

    /** Taken from the chain, so a rule's Location always names what the listing shows. */
    private CompletionStage<Reply> one(ApiRequest request) {
        String dpid = dpid(request);
        String id = request.pathParam("id");
        JsonElement rules = service.rules(dpid).get("rules");
        if (rules != null && rules.isJsonArray()) {
            for (JsonElement rule : rules.getAsJsonArray()) {
                JsonElement ruleId = rule.isJsonObject() ? rule.getAsJsonObject().get("id") : null;
                if (ruleId != null && ruleId.isJsonPrimitive() && ruleId.getAsString().equals(id)) {
                    return done(ApiResponse.ok(rule));
                }
            }
        }
        throw new ApiException(HttpResponseStatus.NOT_FOUND, "no rule '" + id + "' on switch " + dpid, "id");
    }

    private CompletionStage<Reply> create(ApiRequest request) {
        JsonBodies.requireJson(request);
        String dpid = dpid(request);
        RuleRequests.RuleRequest rule = RuleRequests.decode(request.body());
        return BindingsApi.call(() -> service.addRule(dpid, rule.position(), rule.rule()))
                .thenApply(created -> created(dpid, created));
    }

    private static Reply created(String dpid, JsonObject created) {
        String id = Objects.requireNonNull(created, "created").get("id").getAsString();
        return new ApiResponse(HttpResponseStatus.CREATED, created,
                Map.of(HttpHeaderNames.LOCATION.toString(), ApiV1.PREFIX + "/switches/" + dpid + "/rules/" + id));
    }

    private CompletionStage<Reply> delete(ApiRequest request) {
        String dpid = dpid(request);
        String id = request.pathParam("id");
        return BindingsApi.call(() -> service.deleteRule(dpid, id))
                .<Reply>thenApply(deleted -> ApiResponse.ok(Objects.requireNonNull(deleted, "deleted")));
    }

    /** Any accepted form of the path's datapath id, in the colon form the service and views use. */
    private static String dpid(ApiRequest request) {
        return Dpids.format(Dpids.require(request.pathParam("dpid"), "dpid"));
    }
}
