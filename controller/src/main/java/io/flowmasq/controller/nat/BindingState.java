package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.flowcompiler.Protocol;
import java.util.Locale;

/**
 * Where a binding is in its life, which picks its idle timeout (RFC 5382 REQ-5 for TCP). TCP bindings
 * move TRANSITORY → ESTABLISHED (the peer answered) → CLOSING (FIN or RST seen) on switches that can
 * show the controller those events ({@code FlowCompiler#supportsTcpFlags}); elsewhere they stay
 * ESTABLISHED from the first packet. Other protocols are ACTIVE until they expire.
 */
public enum BindingState {
    /** TCP, handshake not yet complete: the transitory timer. */
    TRANSITORY,
    /** TCP, the peer has answered: the established timer. */
    ESTABLISHED,
    /** TCP, a FIN or RST went through: the transitory timer again, until the binding expires. */
    CLOSING,
    /** Not TCP: the protocol's one timer. */
    ACTIVE;

    /** The state of a new binding; {@code tracksTcp} whether the switch can show handshake and close. */
    public static BindingState initial(Protocol protocol, boolean tracksTcp) {
        if (protocol != Protocol.TCP) {
            return ACTIVE;
        }
        return tracksTcp ? TRANSITORY : ESTABLISHED;
    }

    /** The idle timeout (seconds) of a binding of {@code protocol} in this state. */
    public int idleTimeout(Protocol protocol, TimerConfig timers) {
        switch (this) {
            case TRANSITORY:
            case CLOSING:
                return timers.tcpTransitory();
            case ESTABLISHED:
                return timers.tcpEstablished();
            default:
                return protocol == Protocol.TCP ? timers.tcpEstablished() : timers.udp();
        }
    }

    /** Lower-case name as shown in the REST API and logs ("transitory", "established", …). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
