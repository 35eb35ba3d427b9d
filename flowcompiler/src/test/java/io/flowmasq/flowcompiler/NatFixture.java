package io.flowmasq.flowcompiler;

import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** The NAT switch every test in this package compiles: one inside segment (ports 1, 2), outside port 3. */
final class NatFixture {
    static final MacAddress GW_INSIDE = MacAddress.of("02:f1:00:00:00:01");
    static final MacAddress GW_OUTSIDE = MacAddress.of("02:f1:00:00:00:02");
    static final MacAddress HOST = MacAddress.of("00:00:00:00:00:11");
    static final MacAddress HOST2 = MacAddress.of("00:00:00:00:00:12");
    static final MacAddress NEXT_HOP = MacAddress.of("00:00:00:00:00:aa");
    static final OFPort INSIDE = OFPort.of(1);
    static final OFPort INSIDE2 = OFPort.of(2);
    static final OFPort OUTSIDE = OFPort.of(3);

    static final PipelineSpec PIPELINE = new PipelineSpec(
            List.of(new PipelineSpec.InsideSegment(List.of(INSIDE, INSIDE2), IPv4Address.of("10.0.0.1"), GW_INSIDE)),
            new PipelineSpec.OutsideSegment(OUTSIDE, List.of(IPv4Address.of("203.0.113.1")), GW_OUTSIDE));

    static final L2Hop TO_INSIDE = new L2Hop(INSIDE, GW_INSIDE, HOST);
    static final L2Hop TO_OUTSIDE = new L2Hop(OUTSIDE, GW_OUTSIDE, NEXT_HOP);
    static final BindingSpec TCP = new BindingSpec(1, Protocol.TCP, Endpoint.of("10.0.0.11", 40000),
            Endpoint.of("203.0.113.1", 40000), TO_INSIDE, TO_OUTSIDE, 7440);
    static final BindingSpec UDP = new BindingSpec(2, Protocol.UDP, Endpoint.of("10.0.0.11", 40000),
            Endpoint.of("203.0.113.1", 40000), TO_INSIDE, TO_OUTSIDE, 300);

    private NatFixture() {
    }

    static OFFactory factory(OFVersion version) {
        return OFFactories.getFactory(version);
    }

    static FlowCompiler compiler(OFVersion version) {
        return FlowCompiler.forFactory(factory(version));
    }

    /** Loxi stamps a fresh xid on every message it builds; equality checks compare everything else. */
    static OFMessage xid0(OFMessage m) {
        return m.createBuilder().setXid(0).build();
    }

    static List<OFMessage> xid0(List<? extends OFMessage> ms) {
        return ms.stream().map(NatFixture::xid0).toList();
    }
}
