package io.flowmasq.rest;

import java.util.Objects;

/** A request the controller understood but cannot carry out; {@link Kind} decides the HTTP status. */
public final class NatServiceException extends RuntimeException {
    public enum Kind {
        /** 400: a field's value is not acceptable to this controller (unknown switch, foreign address). */
        INVALID,
        /** 404: the thing named does not exist. */
        NOT_FOUND,
        /** 409: the request collides with an existing binding ({@link #conflictingBinding()}). */
        CONFLICT,
        /** 503: the switch concerned is not connected, or did not answer in time. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final String field;
    private final Long conflictingBinding;

    public NatServiceException(Kind kind, String field, String message, Long conflictingBinding) {
        super(Objects.requireNonNull(message, "message"));
        this.kind = Objects.requireNonNull(kind, "kind");
        this.field = field;
        this.conflictingBinding = conflictingBinding;
    }

    public static NatServiceException invalid(String field, String message) {
        return new NatServiceException(Kind.INVALID, field, message, null);
    }

    public static NatServiceException conflict(String field, String message, long binding) {
        return new NatServiceException(Kind.CONFLICT, field, message, binding);
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
}
