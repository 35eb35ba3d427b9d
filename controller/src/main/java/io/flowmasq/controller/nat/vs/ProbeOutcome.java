package io.flowmasq.controller.nat.vs;

/** How a probe ended. */
public enum ProbeOutcome {
    /** SYN-ACK acknowledging our SYN: the server accepts connections (the engine now sends the RST). */
    SUCCESS,
    /** RST acknowledging our SYN: nothing listens on the port. */
    REFUSED,
    /** No answer within the timeout. */
    TIMEOUT,
    /** The engine could not send the SYN (the server's MAC or port is unknown). */
    UNREACHABLE;

    public boolean success() {
        return this == SUCCESS;
    }
}
