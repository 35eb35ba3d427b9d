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
            if (d.getPortNo().getPortNumber() > 0 && d.getPortNo().getPortNumber() <= OFPort.MAX.getPortNumber()) {
                out.add(port(d));
            }
        }
        out.sort(Comparator.comparingLong(ManagedSwitch.SwitchPort::number));
        return out;
    }

    /** The port list after a PORT_STATUS. */
    static List<ManagedSwitch.SwitchPort> apply(List<ManagedSwitch.SwitchPort> ports, OFPortStatus status) {
        long number = status.getDesc().getPortNo().getPortNumber();
        List<ManagedSwitch.SwitchPort> out = new ArrayList<>(ports);
        out.removeIf(p -> p.number() == number);
        if (status.getReason() != OFPortReason.DELETE && number > 0
                && number <= OFPort.MAX.getPortNumber()) {
            out.add(port(status.getDesc()));
        }
        out.sort(Comparator.comparingLong(ManagedSwitch.SwitchPort::number));
        return out;
    }

    private static ManagedSwitch.SwitchPort port(OFPortDesc d) {
        boolean up = !d.getConfig().contains(OFPortConfig.PORT_DOWN) && !d.getState().contains(OFPortState.LINK_DOWN);
        return new ManagedSwitch.SwitchPort(d.getPortNo().getPortNumber() & 0xffffffffL, d.getName(),
                d.getHwAddr().toString(), up);
    }
}
