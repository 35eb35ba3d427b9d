package io.flowmasq.flowcompiler;

/** Flow priorities of the single-table layout (DESIGN.md §3), high to low. */
public final class Priorities {
    /** ARP for one of the gateway's own addresses: answered by the controller. */
    public static final int ARP_TO_GATEWAY = 40000;
    /**
     * The translation flows of static/netmap hosts and twice-NAT pairs (rules package): installed before any
     * packet and no binding exists for them, so they sit above every slow-path class (ICMP to the controller
     * and TCP FIN/RST at 30000): the switch translates the host's ICMP and its FIN/RST itself.
     */
    public static final int RULE_ADDRESS = 35000;
    /** ICMP to a public address: echo and errors are translated on the controller (RFC 5508). */
    public static final int ICMP_TO_CONTROLLER = 30000;
    /** Hairpin flows: above the bindings, whose outbound flows would send the packet outside. */
    public static final int HAIRPIN = 25000;
    /**
     * IPv4 from inside to one of the public addresses: to the controller, which hairpins it. Above
     * the bindings, whose outbound flows match any destination and would send it outside.
     */
    public static final int TO_PUBLIC_ADDRESS = 22000;
    /** TCP segments with FIN or RST set, to the controller (where the switch matches TCP flags). */
    public static final int TCP_CONTROL = 30000;
    /**
     * A TRANSITORY TCP binding's handshake report flow: its inbound (or outbound) match plus SYN and ACK set,
     * forwarding as the binding's flow and copying to the controller. Above {@link #BINDING}, whose plain flow
     * the SYN-ACK would otherwise take, and above {@link #RULE_SYN_TRAP}, which matches SYN (so also SYN-ACK)
     * to a virtual server's endpoint: an answer to a binding never goes to the trap. Below
     * {@link #TO_PUBLIC_ADDRESS} and {@link #HAIRPIN}, so that an answer from inside to one of the public
     * addresses is hairpinned as any other packet there, and below {@link #TCP_CONTROL}: a SYN-ACK with FIN
     * or RST goes up as a closing segment.
     */
    public static final int TCP_HANDSHAKE = 21500;
    /** Translation flows of bindings. */
    public static final int BINDING = 20000;
    /**
     * A TCP virtual server's SYNs, where the switch matches TCP flags: above {@link #BINDING}, so a client that
     * reuses the port of a closing connection opens a new one on a server in rotation, not the old session's
     * server (which may have gone down). Below {@link #TO_PUBLIC_ADDRESS}, which matches only inside ports.
     */
    public static final int RULE_SYN_TRAP = 21000;
    /**
     * A rule's traps to the controller: a twice-NAT network's first packet (the pair's flows are installed
     * reactively) and a virtual server's new connections. Above {@link #NEW_FLOW}, so that such a packet is
     * not taken for a masquerade flow (also above {@link #PENALTY}: the penalty box does not cover them);
     * below {@link #BINDING}, so that a virtual server's established connections stay on their binding flows.
     */
    public static final int RULE_TRAP = 1200;
    /**
     * An inside host in the penalty box (over its new-binding rate): its new flows are dropped by the switch
     * instead of reaching the controller. Above {@link #NEW_FLOW}, below {@link #BINDING}: the host's existing
     * bindings keep working, and only this host's first packets are affected.
     */
    public static final int PENALTY = 150;
    /** IPv4 sent to the gateway MAC from inside with no binding yet: a new flow, to the controller. */
    public static final int NEW_FLOW = 100;
    /** Everything else from an inside port is bridged among that segment's other ports. */
    public static final int INSIDE_BRIDGE = 50;
    /** Table miss: dropped. Unsolicited outside traffic ends here, never at the controller. */
    public static final int TABLE_MISS = 0;

    private Priorities() {
    }
}
