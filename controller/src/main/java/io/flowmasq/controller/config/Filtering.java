package io.flowmasq.controller.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * Which outside endpoints may send to a mapping's public endpoint (RFC 4787 section 5, REQ-8). The
 * mapping itself is endpoint-independent in every mode: one public endpoint per inside endpoint.
 */
public enum Filtering {
    /** Anyone may send to the public endpoint once the mapping exists. */
    ENDPOINT_INDEPENDENT("endpoint-independent"),
    /** Only addresses the inside endpoint has sent to, from any port. */
    ADDRESS_DEPENDENT("address-dependent"),
    /** Only address:port pairs the inside endpoint has sent to. */
    ADDRESS_AND_PORT_DEPENDENT("address-and-port-dependent");

    /**
     * What a switch without {@code filtering} in the file gets: the strictest, as Linux netfilter. (RFC 4787
     * REQ-8 recommends endpoint-independent filtering where transparency matters most, address-dependent
     * where stringency does.)
     */
    public static final Filtering DEFAULT = ADDRESS_AND_PORT_DEPENDENT;

    private final String label;

    Filtering(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether a session is kept per remote address (and port): the controller must see each new one. */
    public boolean perSession() {
        return this != ENDPOINT_INDEPENDENT;
    }

    public boolean matchesRemotePort() {
        return this == ADDRESS_AND_PORT_DEPENDENT;
    }

    static Optional<Filtering> byLabel(String label) {
        return Arrays.stream(values()).filter(f -> f.label.equals(label)).findFirst();
    }
}
