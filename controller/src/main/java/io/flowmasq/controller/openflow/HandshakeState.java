package io.flowmasq.controller.openflow;

/** The states of one switch connection; transitions only move down this list. */
public enum HandshakeState {
    /** Our HELLO is sent; waiting for the switch's HELLO to pick the version. */
    WAIT_HELLO,
    /** Version chosen, FEATURES_REQUEST sent; waiting for the datapath id. */
    WAIT_FEATURES_REPLY,
    /** Configured and registered; messages go to the {@link SwitchHandler}. */
    ACTIVE,
    /** The channel is closed or closing; everything is dropped. */
    CLOSED
}
