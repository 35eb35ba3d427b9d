package io.flowmasq.controller.openflow;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.projectfloodlight.openflow.types.DatapathId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live connection of each switch, by datapath id; safe to use from any thread.
 *
 * <p>A switch that reconnects before its old TCP session has died (NAT box reboot, a flapping
 * link) keeps the newest connection: the older one is closed. Removal is conditional on identity,
 * so the late close of an old connection never evicts the new one.
 */
public final class SwitchRegistry {
    private static final Logger log = LoggerFactory.getLogger(SwitchRegistry.class);

    private final ConcurrentMap<DatapathId, SwitchConnection> connections = new ConcurrentHashMap<>();

    /** Makes {@code connection} the live one of its dpid, closing any older connection of it. */
    public void register(SwitchConnection connection) {
        requireNonNull(connection, "connection");
        SwitchConnection older = connections.put(connection.dpid(), connection);
        if (older != null && older != connection) {
            log.warn("switch {} connected again from {} while connected from {}; closing the older connection",
                    connection.dpid(), connection.remoteAddress(), older.remoteAddress());
            older.close("replaced by a newer connection from " + connection.remoteAddress());
        }
    }

    /** Removes {@code connection} if it is still the live one of its dpid; returns whether it was. */
    public boolean unregister(SwitchConnection connection) {
        return connections.remove(connection.dpid(), connection);
    }

    public Optional<SwitchConnection> get(DatapathId dpid) {
        return Optional.ofNullable(connections.get(dpid));
    }

    /** A snapshot of the live connections. */
    public Collection<SwitchConnection> connections() {
        return List.copyOf(connections.values());
    }
}
