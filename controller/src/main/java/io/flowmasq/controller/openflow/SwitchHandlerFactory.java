package io.flowmasq.controller.openflow;

import org.projectfloodlight.openflow.protocol.OFFeaturesReply;

/** Called once per switch when its handshake completes (state ACTIVE). */
public interface SwitchHandlerFactory {
    SwitchHandler connected(SwitchConnection connection, OFFeaturesReply features);
}
