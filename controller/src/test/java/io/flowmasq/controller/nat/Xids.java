package io.flowmasq.controller.nat;

import java.util.List;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** Loxi stamps a fresh xid on every message it builds; comparisons of content set them all to 0. */
public final class Xids {
    private Xids() {
    }

    public static List<OFMessage> zeroed(List<? extends OFMessage> messages) {
        return messages.stream().<OFMessage>map(m -> m.createBuilder().setXid(0).build()).toList();
    }
}
