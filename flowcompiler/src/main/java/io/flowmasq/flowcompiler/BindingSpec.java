package io.flowmasq.flowcompiler;

import java.util.Objects;

/**
 * Everything the switch needs to translate one NAPT binding in both directions.
 *
 * <p>Outbound packets come in on {@code toInside.port()} from {@code inside} and leave through
 * {@code toOutside} with source {@code external}; inbound packets come in on {@code toOutside.port()}
 * to {@code external} and leave through {@code toInside} with destination {@code inside}.
 * {@code idleTimeout} (seconds) is the binding's clock: it is set on the outbound flow only, so the
 * mapping is refreshed by outbound traffic (RFC 4787 REQ-6) and the inbound flow lives exactly as long.
 * An idle timeout of 0 makes a static binding: its flows never expire.
 * {@code remote} is null under endpoint-independent filtering (the flows match no outside endpoint);
 * otherwise the spec is one session of a mapping, and both flows match that remote.
 */
public record BindingSpec(long id, Protocol protocol, Endpoint inside, Endpoint external,
                          L2Hop toInside, L2Hop toOutside, int idleTimeout, RemoteFilter remote) {
    public BindingSpec {
        if (id < 1 || id > Cookies.MAX_BINDING_ID) {
            throw new IllegalArgumentException("binding id out of range: " + id);
        }
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(inside, "inside");
        Objects.requireNonNull(external, "external");
        Objects.requireNonNull(toInside, "toInside");
        Objects.requireNonNull(toOutside, "toOutside");
        if (idleTimeout < 0 || idleTimeout > 65535) {
            throw new IllegalArgumentException("idle timeout must be 0..65535 s: " + idleTimeout);
        }
    }

    /** A binding under endpoint-independent filtering. */
    public BindingSpec(long id, Protocol protocol, Endpoint inside, Endpoint external,
                       L2Hop toInside, L2Hop toOutside, int idleTimeout) {
        this(id, protocol, inside, external, toInside, toOutside, idleTimeout, null);
    }

    public BindingSpec withIdleTimeout(int seconds) {
        return new BindingSpec(id, protocol, inside, external, toInside, toOutside, seconds, remote);
    }

    public BindingSpec withRemote(RemoteFilter r) {
        return new BindingSpec(id, protocol, inside, external, toInside, toOutside, idleTimeout, r);
    }

    /** Whether a packet from {@code source} may use the inbound flow. */
    public boolean admits(Endpoint source) {
        return remote == null || remote.admits(source);
    }
}
