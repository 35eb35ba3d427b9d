package io.flowmasq.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.math.BigDecimal;

/**
 * Reads the body of {@code POST /switches/{dpid}/rules}: a rule as the config file writes it, plus an optional
 * 1-based {@code "position"}. Only the envelope is checked here (one JSON object, a sane position); the rule
 * itself is the controller's to validate, since this module knows no rule types.
 */
final class RuleRequests {
    static final String POSITION = "position";

    /** {@code position} null: append. {@code rule} is the body without "position". */
    record RuleRequest(Integer position, JsonObject rule) {
    }

    private RuleRequests() {
    }

    static RuleRequest decode(byte[] body) {
        JsonObject rule = JsonBodies.object(body);
        JsonElement position = rule.remove(POSITION);
        return new RuleRequest(position == null || position.isJsonNull() ? null : position(position), rule);
    }

    private static int position(JsonElement value) {
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            BigDecimal number = new BigDecimal(value.getAsString());
            if (number.signum() > 0 && number.stripTrailingZeros().scale() <= 0
                    && number.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
                return number.intValueExact();
            }
        }
        throw ApiException.badParameter(POSITION, "'position' must be an integer of at least 1 (1 = first rule),"
                + " got " + value);
    }
}
