package io.flowmasq.flowcompiler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

class FlowTableSimulatorTest {
    private static final OFFactory OF13 = OFFactories.getFactory(OFVersion.OF_13);
    private static final SimPacket PACKET = SimPacket.ipv4(OFPort.of(1), MacAddress.of("00:00:00:00:00:11"),
            MacAddress.of("00:00:00:00:00:12"), IpProtocol.UDP, "10.0.0.11", 1000, "10.0.0.12", 2000);

    /** A switch never sends a packet back out of its ingress port unless told so with OFPP_IN_PORT. */
    @Test
    void outputToTheIngressPortIsNotSent() {
        FlowTableSimulator table = new FlowTableSimulator();
        table.apply(OF13.buildFlowAdd()
                .setMatch(OF13.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build())
                .setInstructions(List.of(OF13.instructions().applyActions(List.of(
                        OF13.actions().output(OFPort.of(1), 0), OF13.actions().output(OFPort.of(2), 0)))))
                .build());
        assertEquals(2, table.process(PACKET).only().port());
    }

    @Test
    void emptyTableDrops() {
        SimResult r = new FlowTableSimulator().process(PACKET);
        assertTrue(r.dropped());
        assertEquals(null, r.cookie());
    }
}
