package io.flowmasq.controller.packet;

/** A frame too short or inconsistent to parse; the message says which check failed. */
public final class MalformedPacketException extends Exception {
    private final String kind;

    public MalformedPacketException(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** A short stable name for counters, e.g. "truncated_ipv4", "bad_ihl". */
    public String kind() {
        return kind;
    }
}
