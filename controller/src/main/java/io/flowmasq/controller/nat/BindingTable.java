package io.flowmasq.controller.nat;

import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.RemoteFilter;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The bindings of one switch, by id, by inside endpoint and by public endpoint. Under
 * endpoint-independent filtering a binding is the whole mapping (one per protocol and inside
 * address:port, whatever the destination). Under dependent filtering a binding is one session of a
 * mapping (its spec's {@code remote} set): the mapping is the set of sessions of one inside endpoint, all
 * on the same public endpoint, and it lives while any of them does. Written only from the switch's event
 * loop; {@link #all()} may be read from any thread (REST).
 */
public final class BindingTable {
    private record EndpointKey(Protocol protocol, Endpoint endpoint) {
    }

    /**
     * One session of an endpoint with a remote filter: its address and port (0: any port). Looked up directly,
     * so finding the session a packet belongs to does not scan every session of the endpoint (a virtual
     * server's public endpoint has one per client connection). An endpoint-independent binding (no remote) has
     * no session key: it is its endpoint's {@link Mappings#independent} (the same lookup, one index fewer per
     * side, which is most bindings).
     */
    private record SessionKey(Protocol protocol, Endpoint endpoint, IPv4Address address, int port) {
        static SessionKey of(Protocol protocol, Endpoint endpoint, RemoteFilter remote) {
            return new SessionKey(protocol, endpoint, remote.address(), remote.port());
        }
    }

    private final Map<Long, Binding> byId = new ConcurrentHashMap<>();
    private final Mappings byInside = new Mappings();
    private final Mappings byExternal = new Mappings();
    private final Map<SessionKey, Binding> sessionByInside = new HashMap<>();
    private final Map<SessionKey, Binding> sessionByExternal = new HashMap<>();
    /** Bindings (sessions) per inside host address, for its quota (RFC 6888 REQ-4). */
    private final Map<IPv4Address, Integer> perHost = new HashMap<>();

    /** How many bindings (sessions, of every protocol and port) the inside host has. */
    public int countFor(IPv4Address insideHost) {
        return perHost.getOrDefault(insideHost, 0);
    }

    /** A binding of the inside endpoint's mapping (the oldest session), whatever its remote. */
    public Optional<Binding> byInside(Protocol protocol, Endpoint inside) {
        return Optional.ofNullable(byInside.oldest(new EndpointKey(protocol, inside)));
    }

    /** A binding of the mapping on this public endpoint (the oldest session), whatever its remote. */
    public Optional<Binding> byExternal(Protocol protocol, Endpoint external) {
        return Optional.ofNullable(byExternal.oldest(new EndpointKey(protocol, external)));
    }

    /** The session of the inside endpoint with exactly this remote filter (null: the EIF binding). */
    public Optional<Binding> session(Protocol protocol, Endpoint inside, RemoteFilter remote) {
        return Optional.ofNullable(remote == null ? byInside.independent(new EndpointKey(protocol, inside))
                : sessionByInside.get(SessionKey.of(protocol, inside, remote)));
    }

    /** The binding whose outbound flow carries a packet from {@code inside} to {@code destination}. */
    public Optional<Binding> forOutbound(Protocol protocol, Endpoint inside, Endpoint destination) {
        return admitting(sessionByInside, byInside, protocol, inside, destination);
    }

    /** The binding whose inbound flow lets a packet from {@code source} to {@code external} in: the filter. */
    public Optional<Binding> forInbound(Protocol protocol, Endpoint external, Endpoint source) {
        return admitting(sessionByExternal, byExternal, protocol, external, source);
    }

    /**
     * The session of {@code endpoint} whose filter lets {@code peer} through: one for exactly that remote
     * address and port, else one for the address and any port, else the endpoint-independent one. An endpoint's
     * sessions are all of one kind (one filtering mode, or a virtual server's exact remotes), so at most one
     * of the three exists.
     */
    private static Optional<Binding> admitting(Map<SessionKey, Binding> index, Mappings mappings, Protocol protocol,
                                               Endpoint endpoint, Endpoint peer) {
        Binding b = index.get(new SessionKey(protocol, endpoint, peer.address(), peer.port()));
        if (b == null && peer.port() != 0) {
            b = index.get(new SessionKey(protocol, endpoint, peer.address(), 0));
        }
        if (b == null) {
            b = mappings.independent(new EndpointKey(protocol, endpoint));
        }
        return Optional.ofNullable(b);
    }

    /** How many bindings (sessions) the inside endpoint's mapping has; 0 when it has none. */
    public int sessions(Protocol protocol, Endpoint inside) {
        return byInside.count(new EndpointKey(protocol, inside));
    }

    public Optional<Binding> byId(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Adds a binding; a further session of a mapping must use the mapping's public endpoint. */
    public void add(Binding binding) {
        // each index is looked at once (checks first, then the writes): on a table of ~10^6 bindings every
        // lookup is a cache miss, and this runs once per new session
        EndpointKey inside = new EndpointKey(binding.protocol(), binding.inside());
        RemoteFilter remote = binding.spec().remote();
        SessionKey session = remote == null ? null : SessionKey.of(binding.protocol(), binding.inside(), remote);
        if (byId.containsKey(binding.id())
                || (session == null ? byInside.independent(inside) != null : sessionByInside.containsKey(session))) {
            throw new IllegalStateException("binding already present: " + binding);
        }
        Binding mapping = byInside.oldest(inside);
        if (mapping != null && !mapping.external().equals(binding.external())) {
            throw new IllegalStateException("mapping " + mapping + " cannot gain session " + binding);
        }
        byInside.add(inside, binding);
        byExternal.add(new EndpointKey(binding.protocol(), binding.external()), binding);
        if (session != null) {
            sessionByInside.put(session, binding);
            // two inside endpoints never share a public endpoint and a remote: the first keeps the key if they did
            sessionByExternal.putIfAbsent(SessionKey.of(binding.protocol(), binding.external(), remote), binding);
        }
        byId.put(binding.id(), binding);
        perHost.merge(binding.inside().address(), 1, Integer::sum);
    }

    /** Replaces a binding by a re-timed copy of itself (same id, endpoints and remote). */
    public void replace(Binding binding) {
        Binding old = byId.get(binding.id());
        if (old == null || !old.inside().equals(binding.inside()) || !old.external().equals(binding.external())
                || old.protocol() != binding.protocol()
                || !Objects.equals(old.spec().remote(), binding.spec().remote())) {
            throw new IllegalStateException("no such binding to replace: " + binding);
        }
        byId.put(binding.id(), binding);
        byInside.replace(new EndpointKey(binding.protocol(), binding.inside()), binding);
        byExternal.replace(new EndpointKey(binding.protocol(), binding.external()), binding);
        RemoteFilter remote = binding.spec().remote();
        if (remote != null) {
            sessionByInside.put(SessionKey.of(binding.protocol(), binding.inside(), remote), binding);
            sessionByExternal.replace(SessionKey.of(binding.protocol(), binding.external(), remote), old, binding);
        }
    }

    public Optional<Binding> remove(long id) {
        Binding b = byId.remove(id);
        if (b != null) {
            byInside.remove(new EndpointKey(b.protocol(), b.inside()), id);
            byExternal.remove(new EndpointKey(b.protocol(), b.external()), id);
            RemoteFilter remote = b.spec().remote();
            if (remote != null) {
                sessionByInside.remove(SessionKey.of(b.protocol(), b.inside(), remote), b);
                sessionByExternal.remove(SessionKey.of(b.protocol(), b.external(), remote), b);
            }
            perHost.computeIfPresent(b.inside().address(), (a, n) -> n == 1 ? null : n - 1);
        }
        return Optional.ofNullable(b);
    }

    public int size() {
        return byId.size();
    }

    /** A weakly consistent view, safe to iterate from another thread. */
    public Collection<Binding> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    /**
     * The sessions of each endpoint, oldest first, and its endpoint-independent one. Nearly every endpoint has
     * exactly one session (always under endpoint-independent filtering), so that one is kept as the map's value
     * itself; a {@link Sessions} only once a second one comes. A LinkedHashMap per endpoint cost ~180 bytes per
     * binding and side, and its allocation showed in the load generator's profile.
     */
    private static final class Mappings {
        /** A {@link Binding}, or {@link Sessions} of two or more. */
        private final Map<EndpointKey, Object> byEndpoint = new HashMap<>();

        /** Two or more sessions of one endpoint. */
        private static final class Sessions {
            final Map<Long, Binding> byId = new LinkedHashMap<>(4);
            /**
             * The first session without a remote filter (the endpoint-independent binding), as long as it lives;
             * one added while it lives does not take its place (two inside endpoints never share a public
             * endpoint without a remote; if they did, the first keeps it).
             */
            Binding independent;
        }

        Binding oldest(EndpointKey key) {
            Object v = byEndpoint.get(key);
            return v == null || v instanceof Binding ? (Binding) v : ((Sessions) v).byId.values().iterator().next();
        }

        /** The endpoint's session without a remote filter; null when it has none. */
        Binding independent(EndpointKey key) {
            Object v = byEndpoint.get(key);
            if (v instanceof Binding only) {
                return only.spec().remote() == null ? only : null;
            }
            return v == null ? null : ((Sessions) v).independent;
        }

        int count(EndpointKey key) {
            Object v = byEndpoint.get(key);
            return v == null ? 0 : v instanceof Binding ? 1 : ((Sessions) v).byId.size();
        }

        void add(EndpointKey key, Binding binding) {
            Object v = byEndpoint.putIfAbsent(key, binding);
            if (v == null) {
                return;
            }
            Sessions sessions;
            if (v instanceof Binding only) {
                sessions = new Sessions();
                sessions.byId.put(only.id(), only);
                sessions.independent = only.spec().remote() == null ? only : null;
                byEndpoint.put(key, sessions);
            } else {
                sessions = (Sessions) v;
            }
            sessions.byId.put(binding.id(), binding);
            if (sessions.independent == null && binding.spec().remote() == null) {
                sessions.independent = binding;
            }
        }

        /** Puts a re-timed copy of a session in its place (same id, same position). */
        void replace(EndpointKey key, Binding binding) {
            Object v = byEndpoint.get(key);
            if (v instanceof Binding) {
                byEndpoint.put(key, binding);
            } else {
                Sessions sessions = (Sessions) v;
                sessions.byId.put(binding.id(), binding);
                if (sessions.independent != null && sessions.independent.id() == binding.id()) {
                    sessions.independent = binding;
                }
            }
        }

        void remove(EndpointKey key, long id) {
            Object v = byEndpoint.get(key);
            if (v instanceof Binding only) {
                if (only.id() == id) {
                    byEndpoint.remove(key);
                }
            } else if (v != null) {
                Sessions sessions = (Sessions) v;
                sessions.byId.remove(id);
                if (sessions.independent != null && sessions.independent.id() == id) {
                    sessions.independent = null;
                }
                if (sessions.byId.isEmpty()) {
                    byEndpoint.remove(key);
                } else if (sessions.byId.size() == 1) {
                    Binding left = sessions.byId.values().iterator().next();
                    // alone it is its own independent binding if it has no remote: only when it already was
                    if (left.spec().remote() != null || sessions.independent == left) {
                        byEndpoint.put(key, left);
                    }
                }
            }
        }
    }
}
