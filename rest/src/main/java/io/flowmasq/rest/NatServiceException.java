package io.flowmasq.rest;

import java.util.Objects;

/** A request the controller understood but cannot carry out; {@link Kind} decides the HTTP status. */
public final class NatServiceException extends RuntimeException {
    public enum Kind {
        /** 400: a field's value is not acceptable to this controller (unknown switch, foreign address). */
        INVALID,
        /** 404: the thing named does not exist. */
        NOT_FOUND,
        /** 409: the request collides with an existing binding or rule ({@link #conflictingBinding()},
         * {@link #conflictingRule()}). */
        CONFLICT,
        /** 503: the switch concerned is not connected, or did not answer in time. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final String field;
    private final Long conflictingBinding;
    private final String conflictingRule;

    public NatServiceException(Kind kind, String field, String message, Long conflictingBinding) {
        this(kind, field, message, conflictingBinding, null);
    }

    public NatServiceException(Kind kind, String field, String message, Long conflictingBinding,
                               String conflictingRule) {
        super(Objects.requireNonNull(message, "message"));
        this.kind = Objects.requireNonNull(kind, "kind");
        this.field = field;
        this.conflictingBinding = conflictingBinding;
        this.conflictingRule = conflictingRule;
    }

    public static NatServiceException invalid(String field, String message) {
        return new NatServiceException(Kind.INVALID, field, message, null);
    }

    public static NatServiceException conflict(String field, String message, long binding) {
        return new NatServiceException(Kind.CONFLICT, field, message, binding);
    }

    /** 404: {@code field} names the path parameter or member that names nothing (e.g. "dpid", "id"). */
    public static NatServiceException notFound(String field, String message) {
        return new NatServiceException(Kind.NOT_FOUND, field, message, null, null);
    }

    /** 409 against a rule of the chain: {@code rule} is its id, rendered as {@code conflictsWith}. */
    public static NatServiceException ruleConflict(String field, String message, String rule) {
        return new NatServiceException(Kind.CONFLICT, field, message, null, Objects.requireNonNull(rule, "rule"));
    }

    public static NatServiceException unavailable(String message) {
        return new NatServiceException(Kind.UNAVAILABLE, null, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }

    /** The id of the binding the request collides with (CONFLICT), or null. */
    public Long conflictingBinding() {
        return conflictingBinding;
    }

    /** The id of the rule the request collides with (CONFLICT), or null. */
    public String conflictingRule() {
        return conflictingRule;
    }
}
