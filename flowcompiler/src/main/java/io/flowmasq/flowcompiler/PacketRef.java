package io.flowmasq.flowcompiler;

import java.util.Objects;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * A packet the switch handed to the controller: where it came in, the switch buffer holding it
 * (OF1.0 switches may buffer; {@link OFBufferId#NO_BUFFER} otherwise) and the bytes we have.
 * With a buffer, the packet-out refers to the buffer and carries no data.
 */
public record PacketRef(OFPort inPort, OFBufferId bufferId, byte[] data) {
    public PacketRef {
        Objects.requireNonNull(inPort, "inPort");
        Objects.requireNonNull(bufferId, "bufferId");
        Objects.requireNonNull(data, "data");
    }

    public static PacketRef unbuffered(OFPort inPort, byte[] data) {
        return new PacketRef(inPort, OFBufferId.NO_BUFFER, data);
    }
}
