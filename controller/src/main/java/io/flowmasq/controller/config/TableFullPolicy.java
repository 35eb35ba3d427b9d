package io.flowmasq.controller.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * What the first packet of a binding the switch had no room for gets ({@code onTableFull}). By the time the
 * switch's TABLE_FULL error arrives that packet has already been sent on; the question is how the inside
 * host learns that the rest of its flow will not pass.
 */
public enum TableFullPolicy {
    /**
     * ICMP destination unreachable, communication administratively prohibited (type 3 code 13), quoting
     * the first packet: Linux fails the connect() at once (EHOSTUNREACH) rather than retrying the SYN.
     */
    ICMP("icmp"),
    /** Nothing: the host's own retransmissions try again (each a new attempt, refused while the table is full). */
    DROP("drop");

    public static final TableFullPolicy DEFAULT = ICMP;

    private final String label;

    TableFullPolicy(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    static Optional<TableFullPolicy> byLabel(String label) {
        return Arrays.stream(values()).filter(p -> p.label.equals(label)).findFirst();
    }
}
