package io.flowmasq.flowcompiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TransportPort;

/** The cheap match builder yields exactly the match Loxi's builder does, in any field order. */
class ExactMatchTest {
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void sameMatchAndBytesAsLoxisBuilder(OFVersion version) {
        OFFactory f = OFFactories.getFactory(version);
        Match loxi = f.buildMatch()
                .setExact(MatchField.IN_PORT, OFPort.of(1))
                .setExact(MatchField.ETH_DST, MacAddress.of("02:f1:00:00:00:01"))
                .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IP_PROTO, IpProtocol.UDP)
                .setExact(MatchField.IPV4_SRC, IPv4Address.of("10.0.0.11"))
                .setExact(MatchField.UDP_SRC, TransportPort.of(4000))
                .setExact(MatchField.IPV4_DST, IPv4Address.of("203.0.113.10"))
                .build();
        Function<OFFactory, ExactMatch> kind = version == OFVersion.OF_13 ? ExactMatch::oxm : ExactMatch::builder;
        Match ours = kind.apply(f)
                .set(MatchField.IPV4_DST, IPv4Address.of("203.0.113.10"))
                .set(MatchField.UDP_SRC, TransportPort.of(4000))
                .set(MatchField.IN_PORT, OFPort.of(1))
                .set(MatchField.IPV4_SRC, IPv4Address.of("10.0.0.11"))
                .set(MatchField.ETH_DST, MacAddress.of("02:f1:00:00:00:01"))
                .set(MatchField.ETH_TYPE, EthType.IPv4)
                .set(MatchField.IP_PROTO, IpProtocol.UDP)
                .build();
        assertEquals(loxi, ours);
        assertArrayEquals(bytes(loxi), bytes(ours));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aFieldSetAgainTakesTheLaterValueLikeLoxisBuilder(OFVersion version) {
        OFFactory f = OFFactories.getFactory(version);
        Match loxi = f.buildMatch()
                .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IPV4_SRC, IPv4Address.of("10.0.0.11"))
                .setExact(MatchField.IPV4_SRC, IPv4Address.of("10.0.0.12"))
                .build();
        Function<OFFactory, ExactMatch> kind = version == OFVersion.OF_13 ? ExactMatch::oxm : ExactMatch::builder;
        Match ours = kind.apply(f)
                .set(MatchField.IPV4_SRC, IPv4Address.of("10.0.0.11"))
                .set(MatchField.ETH_TYPE, EthType.IPv4)
                .set(MatchField.IPV4_SRC, IPv4Address.of("10.0.0.12"))
                .build();
        assertEquals(loxi, ours);
        assertArrayEquals(bytes(loxi), bytes(ours));
    }

    private static byte[] bytes(Match m) {
        ByteBuf b = Unpooled.buffer();
        m.writeTo(b);
        return ByteBufUtil.getBytes(b);
    }
}
