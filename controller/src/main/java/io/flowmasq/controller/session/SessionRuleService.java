package io.flowmasq.controller.session;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.flowmasq.controller.config.RuleReader;
import io.flowmasq.controller.nat.RuleChange;
import io.flowmasq.controller.nat.RuleStatus;
import io.flowmasq.controller.nat.rules.RuleJson;
import io.flowmasq.controller.nat.rules.RuleNumbers;
import io.flowmasq.controller.nat.rules.RuleRefusal;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.rest.NatServiceException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * The rule chains of the configured switches, for the REST API: rules read from JSON exactly as the config
 * file's, numbered from the controller-wide {@link RuleNumbers}, applied through each switch's
 * {@link ManagedSwitch}. With a {@link RuleStore} every applied change is then written to the rules file and
 * the answer says whether that worked ({@code "saved"}, and {@code "saveError"} when not: the change stands
 * either way); without one, changes live as long as the process and answers carry no {@code "saved"}.
 */
public final class SessionRuleService implements RuleService {
    private static final Gson GSON = new Gson();

    private final SwitchSessions sessions;
    private final LongSupplier clock;
    private final RuleNumbers numbers;
    private final Optional<RuleStore> store;

    /** Changes are not kept across restarts. */
    public SessionRuleService(SwitchSessions sessions, LongSupplier clock, RuleNumbers numbers) {
        this(sessions, clock, numbers, Optional.empty());
    }

    public SessionRuleService(SwitchSessions sessions, LongSupplier clock, RuleNumbers numbers,
                              Optional<RuleStore> store) {
        this.sessions = sessions;
        this.clock = clock;
        this.numbers = numbers;
        this.store = store;
    }

    @Override
    public JsonObject rules(String dpid) {
        ManagedSwitch sw = find(dpid);
        JsonObject out = new JsonObject();
        out.addProperty("switch", sw.config().dpid().toString());
        JsonArray list = new JsonArray();
        for (RuleStatus s : sw.rules(clock.getAsLong())) {
            list.add(view(s.position(), s.rule(), s));
        }
        out.add("rules", list);
        return out;
    }

    @Override
    public CompletableFuture<JsonObject> addRule(String dpid, Integer position, JsonObject json) {
        ManagedSwitch sw = find(dpid);
        int number = numbers.next();
        RuleReader.Result read = RuleReader.readOne(json, number);
        if (read.rule().isEmpty()) {
            RuleRefusal first = read.errors().get(0);
            String message = read.errors().stream().map(e -> (e.field().isEmpty() ? "" : e.field() + ": ")
                    + e.message()).reduce((a, b) -> a + "; " + b).orElse("invalid rule");
            return CompletableFuture.failedFuture(NatServiceException.invalid(first.field(), message));
        }
        Rule rule = read.rule().get();
        int at = position == null ? sw.rules(clock.getAsLong()).size() + 1 : position;
        return sw.addRule(rule, at, clock.getAsLong()).thenApply(a -> {
            List<RuleStatus> now = sw.rules(clock.getAsLong());
            RuleStatus s = now.stream().filter(r -> r.rule().id().equals(rule.id())).findFirst()
                    .orElse(new RuleStatus(a.position(), rule, java.util.Map.of()));
            return view(s.position(), s.rule(), s);
        }).thenCompose(this::saved);
    }

    @Override
    public CompletableFuture<JsonObject> deleteRule(String dpid, String id) {
        ManagedSwitch sw = find(dpid);
        return sw.deleteRule(id, clock.getAsLong())
                .orElseThrow(() -> NatServiceException.notFound("id", "switch " + sw.config().dpid()
                        + " has no rule '" + id + "'"))
                .thenApply(a -> {
                    JsonObject out = new JsonObject();
                    out.addProperty("deleted", a.rule().id());
                    out.addProperty("bindingsRemoved", a.bindingsRemoved());
                    return out;
                }).thenCompose(this::saved);
    }

    /** The answer, once the rules file is written, saying whether it was; as it is without a rules file. */
    private CompletableFuture<JsonObject> saved(JsonObject answer) {
        if (store.isEmpty()) {
            return CompletableFuture.completedFuture(answer);
        }
        return store.get().save().thenApply(error -> {
            answer.addProperty("saved", error.isEmpty());
            error.ifPresent(e -> answer.addProperty("saveError", e));
            return answer;
        });
    }

    private ManagedSwitch find(String dpid) {
        DatapathId id;
        try {
            id = DatapathId.of(dpid);
        } catch (RuntimeException e) {
            throw NatServiceException.invalid("dpid", "not a datapath id: " + dpid);
        }
        return sessions.managed(id).orElseThrow(() -> NatServiceException.notFound("dpid", "switch " + id
                + " is not in the configuration"));
    }

    private static JsonObject view(int position, Rule rule, RuleStatus status) {
        JsonObject out = new JsonObject();
        out.addProperty("position", position);
        out.addProperty("number", rule.number());
        RuleJson.toJson(rule).entrySet().forEach(e -> out.add(e.getKey(), e.getValue()));
        out.add("status", GSON.toJsonTree(status.status()));
        return out;
    }
}
