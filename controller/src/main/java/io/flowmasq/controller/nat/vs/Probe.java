package io.flowmasq.controller.nat.vs;

import io.flowmasq.flowcompiler.Endpoint;
import java.util.Objects;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * One TCP connect check in flight: a SYN from {@code source}:{@code sourcePort} to {@code server} with initial
 * sequence number {@code sequence}, sent at {@code sentAt}.
 */
public record Probe(Endpoint server, IPv4Address source, int sourcePort, long sequence, long sentAt) {
    public Probe {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(source, "source");
        if (sequence < 0 || sequence > 0xffffffffL) {
            throw new IllegalArgumentException("sequence must be a 32-bit unsigned number: " + sequence);
        }
    }

    /** The acknowledgment number of the server's SYN-ACK or RST, and the sequence number of our RST. */
    public long expectedAck() {
        return (sequence + 1) & 0xffffffffL;
    }
}
