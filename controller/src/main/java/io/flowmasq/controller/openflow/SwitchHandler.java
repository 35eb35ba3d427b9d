package io.flowmasq.controller.openflow;

import org.projectfloodlight.openflow.protocol.OFMessage;

/**
 * Receives the events of one switch connection. All methods run on that connection's event loop,
 * one at a time, so an implementation needs no locking of its own state.
 */
public interface SwitchHandler {
    /** Every message after the handshake except ECHO and HELLO (handled by the channel). */
    void onMessage(OFMessage message);

    /** Called about once a second while the connection is up. */
    void onTick();

    void onDisconnect();
}
