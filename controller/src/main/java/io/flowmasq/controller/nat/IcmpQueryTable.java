package io.flowmasq.controller.nat;

import io.flowmasq.flowcompiler.L2Hop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * ICMP query mappings (RFC 5508): the echo identifier plays the role of the port. Mappings live on
 * the controller only (OpenFlow cannot rewrite ICMP identifiers), so their timeout is kept here,
 * refreshed by outbound queries (REQ-2: 60 s by default).
 */
final class IcmpQueryTable {
    /** One mapping; {@code toInside} is how replies reach the host. */
    record Mapping(IPv4Address inside, int insideId, IPv4Address external, int externalId, L2Hop toInside,
                   long lastUsed) {
    }

    private record Key(IPv4Address address, int id) {
    }

    private final NaptAllocator addresses;
    private final Map<IPv4Address, PortAllocator> ids = new HashMap<>();
    private final Map<Key, Mapping> byInside = new HashMap<>();
    private final Map<Key, Mapping> byExternal = new HashMap<>();

    /** Identifiers follow the ports' rules: preserved when free, else random, reused after {@code reuseDelayMillis}. */
    IcmpQueryTable(NaptAllocator addresses, List<IPv4Address> publicAddresses, long reuseDelayMillis,
                   SplittableRandom random) {
        this.addresses = addresses;
        // Identifier 0 is left out: some stacks treat it as "unset".
        publicAddresses.forEach(a -> ids.put(a, new PortAllocator(1, 65535, reuseDelayMillis,
                NaptAllocator.SETTLE_MS, random.split())));
    }

    /** The mapping for an outbound query, refreshed or created; empty when no identifier is free. */
    Optional<Mapping> outbound(IPv4Address inside, int id, L2Hop toInside, long now) {
        Key key = new Key(inside, id);
        Mapping m = byInside.get(key);
        if (m == null) {
            IPv4Address external = addresses.pairedAddress(inside);
            int externalId = ids.get(external).allocate(inside.getInt(), id, now);
            if (externalId < 0) {
                return Optional.empty();
            }
            m = new Mapping(inside, id, external, externalId, toInside, now);
        } else {
            m = new Mapping(m.inside(), m.insideId(), m.external(), m.externalId(), toInside, now);
        }
        byInside.put(key, m);
        byExternal.put(new Key(m.external(), m.externalId()), m);
        return Optional.of(m);
    }

    Optional<Mapping> byExternal(IPv4Address external, int id) {
        return Optional.ofNullable(byExternal.get(new Key(external, id)));
    }

    Optional<Mapping> byInside(IPv4Address inside, int id) {
        return Optional.ofNullable(byInside.get(new Key(inside, id)));
    }

    /** Removes and returns mappings idle for {@code timeoutMillis} or longer. */
    List<Mapping> expire(long now, long timeoutMillis) {
        List<Mapping> gone = new ArrayList<>();
        for (Iterator<Mapping> it = byInside.values().iterator(); it.hasNext(); ) {
            Mapping m = it.next();
            if (now - m.lastUsed() >= timeoutMillis) {
                it.remove();
                byExternal.remove(new Key(m.external(), m.externalId()));
                ids.get(m.external()).release(m.externalId(), PortAllocator.owner(m.inside().getInt(), m.insideId()),
                        now);
                gone.add(m);
            }
        }
        return gone;
    }

    int size() {
        return byInside.size();
    }
}
