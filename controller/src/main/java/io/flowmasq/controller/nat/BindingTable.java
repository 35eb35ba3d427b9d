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

    private final Map<Long, Binding> byId = new ConcurrentHashMap<>();
    /** The sessions of each inside endpoint (its mapping), and each one's remote filter: {@link Mappings}. */
    private final Mappings byInside = new Mappings();
    private final Mappings byExternal = new Mappings();
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
        return Optional.ofNullable(byInside.session(new EndpointKey(protocol, inside), remote));
    }

    /** The binding whose outbound flow carries a packet from {@code inside} to {@code destination}. */
    public Optional<Binding> forOutbound(Protocol protocol, Endpoint inside, Endpoint destination) {
        return Optional.ofNullable(byInside.admitting(new EndpointKey(protocol, inside), destination));
    }

    /** The binding whose inbound flow lets a packet from {@code source} to {@code external} in: the filter. */
    public Optional<Binding> forInbound(Protocol protocol, Endpoint external, Endpoint source) {
        return Optional.ofNullable(byExternal.admitting(new EndpointKey(protocol, external), source));
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
        EndpointKey inside = new EndpointKey(binding.protocol(), binding.inside());
        if (byId.containsKey(binding.id()) || byInside.session(inside, binding.spec().remote()) != null) {
            throw new IllegalStateException("binding already present: " + binding);
        }
        Binding mapping = byInside.oldest(inside);
        if (mapping != null && !mapping.external().equals(binding.external())) {
            throw new IllegalStateException("mapping " + mapping + " cannot gain session " + binding);
        }
        byInside.add(inside, binding);
        byExternal.add(new EndpointKey(binding.protocol(), binding.external()), binding);
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
        byInside.replace(new EndpointKey(binding.protocol(), binding.inside()), old, binding);
        byExternal.replace(new EndpointKey(binding.protocol(), binding.external()), old, binding);
    }

    public Optional<Binding> remove(long id) {
        Binding b = byId.remove(id);
        if (b != null) {
            byInside.remove(new EndpointKey(b.protocol(), b.inside()), b);
            byExternal.remove(new EndpointKey(b.protocol(), b.external()), b);
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
     * The sessions of each endpoint (one side: inside or public), oldest first, and the one with each remote
     * filter. Nearly every endpoint has exactly one session, so that one is kept as the map's value itself and
     * answers for its own remote filter; a {@link Sessions} only once a second one comes. One map entry per
     * binding and side: a LinkedHashMap per endpoint and a separate index by (endpoint, remote) cost ~400 bytes
     * per binding and three more cache-missing map writes per new binding (the load generator's profile).
     *
     * <p>Two sessions of one endpoint with the same remote filter are never made (the inside side refuses them;
     * two inside endpoints never share a public endpoint and a remote); if they were, the first keeps the remote.
     */
    private static final class Mappings {
        /** A {@link Binding}, or {@link Sessions} of two or more. */
        private final Map<EndpointKey, Object> byEndpoint = new HashMap<>();

        /** Two or more sessions of one endpoint. */
        private static final class Sessions {
            final Map<Long, Binding> byId = new LinkedHashMap<>(4);
            /**
             * Each remote filter's session. Looked up directly, so finding the session a packet belongs to does
             * not scan every session of the endpoint (a virtual server's public endpoint has one per client).
             */
            final Map<RemoteFilter, Binding> byRemote = new HashMap<>(4);
            /** The session without a remote filter (the endpoint-independent binding); null when none. */
            Binding independent;

            /** Whether {@code b} holds its remote filter (or, without one, the independent place). */
            boolean holds(Binding b) {
                RemoteFilter r = b.spec().remote();
                return (r == null ? independent : byRemote.get(r)) == b;
            }

            void add(Binding b) {
                byId.put(b.id(), b);
                RemoteFilter r = b.spec().remote();
                if (r == null) {
                    if (independent == null) {
                        independent = b;
                    }
                } else {
                    byRemote.putIfAbsent(r, b);
                }
            }
        }

        Binding oldest(EndpointKey key) {
            Object v = byEndpoint.get(key);
            return v == null || v instanceof Binding ? (Binding) v : ((Sessions) v).byId.values().iterator().next();
        }

        int count(EndpointKey key) {
            Object v = byEndpoint.get(key);
            return v == null ? 0 : v instanceof Binding ? 1 : ((Sessions) v).byId.size();
        }

        /** The session with exactly this remote filter (null: the one without); null when none. */
        Binding session(EndpointKey key, RemoteFilter remote) {
            Object v = byEndpoint.get(key);
            if (v instanceof Binding only) {
                return Objects.equals(only.spec().remote(), remote) ? only : null;
            }
            if (v == null) {
                return null;
            }
            Sessions sessions = (Sessions) v;
            return remote == null ? sessions.independent : sessions.byRemote.get(remote);
        }

        /**
         * The session whose filter lets {@code peer} through: one for exactly that remote address and port, else
         * one for the address and any port, else the endpoint-independent one. An endpoint's sessions are all of
         * one kind (one filtering mode, or a virtual server's exact remotes), so at most one of the three exists.
         */
        Binding admitting(EndpointKey key, Endpoint peer) {
            Object v = byEndpoint.get(key);
            if (v instanceof Binding only) {
                RemoteFilter r = only.spec().remote();
                return r == null || (r.address().equals(peer.address()) && (r.port() == peer.port() || r.port() == 0))
                        ? only : null;
            }
            if (v == null) {
                return null;
            }
            Sessions sessions = (Sessions) v;
            Binding b = sessions.byRemote.get(new RemoteFilter(peer.address(), peer.port()));
            if (b == null && peer.port() != 0) {
                b = sessions.byRemote.get(RemoteFilter.address(peer.address()));
            }
            return b != null ? b : sessions.independent;
        }

        void add(EndpointKey key, Binding binding) {
            Object v = byEndpoint.putIfAbsent(key, binding);
            if (v == null) {
                return;
            }
            Sessions sessions;
            if (v instanceof Binding only) {
                sessions = new Sessions();
                sessions.add(only);
                byEndpoint.put(key, sessions);
            } else {
                sessions = (Sessions) v;
            }
            sessions.add(binding);
        }

        /** Puts {@code binding}, a re-timed copy of {@code old}, in its place (same id, same position). */
        void replace(EndpointKey key, Binding old, Binding binding) {
            Object v = byEndpoint.get(key);
            if (v instanceof Binding) {
                byEndpoint.put(key, binding);
                return;
            }
            Sessions sessions = (Sessions) v;
            sessions.byId.put(binding.id(), binding);
            RemoteFilter r = binding.spec().remote();
            if (r == null) {
                if (sessions.independent == old) {
                    sessions.independent = binding;
                }
            } else {
                sessions.byRemote.replace(r, old, binding);
            }
        }

        void remove(EndpointKey key, Binding b) {
            Object v = byEndpoint.get(key);
            if (v instanceof Binding only) {
                if (only.id() == b.id()) {
                    byEndpoint.remove(key);
                }
                return;
            }
            if (v == null) {
                return;
            }
            Sessions sessions = (Sessions) v;
            Binding gone = sessions.byId.remove(b.id());
            if (gone == null) {
                return;
            }
            RemoteFilter r = gone.spec().remote();
            if (r == null) {
                if (sessions.independent == gone) {
                    sessions.independent = null;
                }
            } else {
                sessions.byRemote.remove(r, gone);
            }
            if (sessions.byId.isEmpty()) {
                byEndpoint.remove(key);
            } else if (sessions.byId.size() == 1) {
                Binding left = sessions.byId.values().iterator().next();
                if (sessions.holds(left)) { // alone it answers for its own remote: only if it already did
                    byEndpoint.put(key, left);
                }
            }
        }
    }
}
