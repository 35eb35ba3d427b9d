package io.flowmasq.controller.nat;

import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bindings of one switch, by id and by inside endpoint (endpoint-independent mapping: one
 * binding per protocol and inside address:port, whatever the destination). Written only from the
 * switch's event loop; {@link #all()} may be read from any thread (REST).
 */
public final class BindingTable {
    private record EndpointKey(Protocol protocol, Endpoint endpoint) {
    }

    private final Map<Long, Binding> byId = new ConcurrentHashMap<>();
    private final Map<EndpointKey, Binding> byInside = new HashMap<>();
    private final Map<EndpointKey, Binding> byExternal = new HashMap<>();

    public Optional<Binding> byInside(Protocol protocol, Endpoint inside) {
        return Optional.ofNullable(byInside.get(new EndpointKey(protocol, inside)));
    }

    /** The binding whose public endpoint this is (for ICMP errors about its packets). */
    public Optional<Binding> byExternal(Protocol protocol, Endpoint external) {
        return Optional.ofNullable(byExternal.get(new EndpointKey(protocol, external)));
    }

    public Optional<Binding> byId(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    public void add(Binding binding) {
        EndpointKey key = new EndpointKey(binding.protocol(), binding.inside());
        if (byInside.containsKey(key) || byId.containsKey(binding.id())) {
            throw new IllegalStateException("binding already present: " + binding);
        }
        byInside.put(key, binding);
        byExternal.put(new EndpointKey(binding.protocol(), binding.external()), binding);
        byId.put(binding.id(), binding);
    }

    /** Replaces a binding by a re-timed copy of itself (same id and endpoints). */
    public void replace(Binding binding) {
        Binding old = byId.get(binding.id());
        if (old == null || !old.inside().equals(binding.inside()) || !old.external().equals(binding.external())
                || old.protocol() != binding.protocol()) {
            throw new IllegalStateException("no such binding to replace: " + binding);
        }
        byId.put(binding.id(), binding);
        byInside.put(new EndpointKey(binding.protocol(), binding.inside()), binding);
        byExternal.put(new EndpointKey(binding.protocol(), binding.external()), binding);
    }

    public Optional<Binding> remove(long id) {
        Binding b = byId.remove(id);
        if (b != null) {
            byInside.remove(new EndpointKey(b.protocol(), b.inside()));
            byExternal.remove(new EndpointKey(b.protocol(), b.external()));
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
}
