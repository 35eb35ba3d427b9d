package io.flowmasq.controller.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.projectfloodlight.openflow.types.OFPort;

/** Turns the switch's port descriptions (features reply, port-desc reply, port status) into {@link ManagedSwitch.SwitchPort}s. */
final class SwitchPorts {
    private SwitchPorts() {
    }

    /** The physical ports (not LOCAL, CONTROLLER, ...), by number. */
    static List<ManagedSwitch.SwitchPort> of(List<OFPortDesc> descriptions) {
        List<ManagedSwitch.SwitchPort> out = new ArrayList<>();
        for (OFPortDesc d : descriptions) {
            if (isPhysical(d.getPortNo())) {
                out.add(port(d));
            }
        }
        out.sort(Comparator.comparingLong(ManagedSwitch.SwitchPort::number));
        return out;
    }

    /** The port list after a PORT_STATUS. */
    static List<ManagedSwitch.SwitchPort> apply(List<ManagedSwitch.SwitchPort> ports, OFPortStatus status) {
        OFPort changed = status.getDesc().getPortNo();
        long number = unsigned(changed);
        List<ManagedSwitch.SwitchPort> out = new ArrayList<>(ports);
        out.removeIf(p -> p.number() == number);
        if (status.getReason() != OFPortReason.DELETE && isPhysical(changed)) {
            out.add(port(status.getDesc()));
        }
        out.sort(Comparator.comparingLong(ManagedSwitch.SwitchPort::number));
        return out;
    }

    /**
     * 1..OFPP_MAX. Port numbers are unsigned 32-bit: compared as Java ints, OFPP_MAX (0xffffff00) is
     * negative and no port would be physical.
     */
    private static boolean isPhysical(OFPort port) {
        long n = unsigned(port);
        return n > 0 && n <= unsigned(OFPort.MAX);
    }

    private static long unsigned(OFPort port) {
        return port.getPortNumber() & 0xffffffffL;
    }

    private static ManagedSwitch.SwitchPort port(OFPortDesc d) {
        boolean up = !d.getConfig().contains(OFPortConfig.PORT_DOWN) && !d.getState().contains(OFPortState.LINK_DOWN);
        return new ManagedSwitch.SwitchPort(unsigned(d.getPortNo()), d.getName(),
                d.getHwAddr().toString(), up);
    }
}
