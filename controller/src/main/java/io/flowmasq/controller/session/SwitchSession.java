package io.flowmasq.controller.session;

import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.nat.NatEngine;
import io.flowmasq.controller.openflow.SwitchConnection;
import java.util.Optional;

/**
 * What the controller knows of one switch: its config (empty if unconfigured), its engine (which
 * outlives reconnects, since the switch keeps its flows) and the current connection, if any.
 */
public record SwitchSession(Optional<SwitchConfig> config, Optional<NatEngine> engine,
                            SwitchConnection connection, boolean connected) {
    SwitchSession disconnected() {
        return new SwitchSession(config, engine, connection, false);
    }
}
