package io.flowmasq.rest;

/**
 * Packet and byte counts of a binding's two flows as the switch reported them. {@code outbound} is
 * inside to outside. {@code asOf} (ISO-8601 UTC) says when the switch was asked; {@code ageSeconds}
 * how old that answer was when this view was made.
 */
public record TrafficView(long packetsOut, long bytesOut, long packetsIn, long bytesIn, String asOf,
                          long ageSeconds) {
}
