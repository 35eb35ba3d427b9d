package io.flowmasq.controller.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmasq.controller.session.ManagedSwitch.SwitchPort;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

class SwitchPortsTest {
    private static OFPortDesc desc(OFFactory f, OFPort port, String name, Set<OFPortConfig> config,
                                   Set<OFPortState> state) {
        return f.buildPortDesc().setPortNo(port).setName(name).setHwAddr(MacAddress.of("0a:00:00:00:00:01"))
                .setConfig(config).setState(state).build();
    }

    private static OFPortDesc up(OFFactory f, int port) {
        return desc(f, OFPort.of(port), "eth" + port, Set.of(), Set.of());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void physicalPortsOnlyByNumberWithTheirState(OFVersion v) {
        OFFactory f = OFFactories.getFactory(v);
        List<SwitchPort> ports = SwitchPorts.of(List.of(
                desc(f, OFPort.LOCAL, "br0", Set.of(), Set.of()),
                up(f, 3),
                desc(f, OFPort.of(2), "eth2", Set.of(), Set.of(OFPortState.LINK_DOWN)),
                desc(f, OFPort.of(1), "eth1", Set.of(OFPortConfig.PORT_DOWN), Set.of())));
        assertEquals(List.of(
                new SwitchPort(1, "eth1", "0a:00:00:00:00:01", false),
                new SwitchPort(2, "eth2", "0a:00:00:00:00:01", false),
                new SwitchPort(3, "eth3", "0a:00:00:00:00:01", true)), ports);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_13"})
    void theHighestPhysicalPortIsKept(OFVersion v) {
        OFFactory f = OFFactories.getFactory(v);
        assertEquals(List.of(new SwitchPort(0xffffff00L, "ethmax", "0a:00:00:00:00:01", true)),
                SwitchPorts.of(List.of(desc(f, OFPort.MAX, "ethmax", Set.of(), Set.of()),
                        desc(f, OFPort.CONTROLLER, "ctl", Set.of(), Set.of()))));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void portStatusAddsChangesAndDeletes(OFVersion v) {
        OFFactory f = OFFactories.getFactory(v);
        List<SwitchPort> ports = SwitchPorts.of(List.of(up(f, 1), up(f, 3)));
        ports = SwitchPorts.apply(ports, f.buildPortStatus().setReason(OFPortReason.ADD).setDesc(up(f, 2)).build());
        assertEquals(List.of(1L, 2L, 3L), ports.stream().map(SwitchPort::number).toList());
        ports = SwitchPorts.apply(ports, f.buildPortStatus().setReason(OFPortReason.MODIFY)
                .setDesc(desc(f, OFPort.of(3), "eth3", Set.of(), Set.of(OFPortState.LINK_DOWN))).build());
        assertEquals(new SwitchPort(3, "eth3", "0a:00:00:00:00:01", false), ports.get(2));
        ports = SwitchPorts.apply(ports, f.buildPortStatus().setReason(OFPortReason.DELETE).setDesc(up(f, 1)).build());
        assertEquals(List.of(2L, 3L), ports.stream().map(SwitchPort::number).toList());
        ports = SwitchPorts.apply(ports, f.buildPortStatus().setReason(OFPortReason.ADD)
                .setDesc(desc(f, OFPort.LOCAL, "br0", Set.of(), Set.of())).build());
        assertEquals(List.of(2L, 3L), ports.stream().map(SwitchPort::number).toList(), "LOCAL is not listed");
    }
}
