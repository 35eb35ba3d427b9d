package io.flowmasq.flowcompiler;

import static io.flowmasq.flowcompiler.NatFixture.UDP;
import static io.flowmasq.flowcompiler.NatFixture.compiler;
import static io.flowmasq.flowcompiler.NatFixture.factory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModFailedCode;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFErrorCauseData;
import org.projectfloodlight.openflow.types.U64;

/** Reading which flow-mod a switch refused, and whether it refused it for a full table. */
class FailedFlowModTest {
    private static byte[] bytes(OFMessage m) {
        ByteBuf buf = Unpooled.buffer();
        m.writeTo(buf);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    private static OFErrorMsg tableFull(OFFactory f, byte[] quoted) {
        OFFlowModFailedCode code = f.getVersion() == OFVersion.OF_10
                ? OFFlowModFailedCode.ALL_TABLES_FULL : OFFlowModFailedCode.TABLE_FULL;
        return f.errorMsgs().buildFlowModFailedErrorMsg().setCode(code)
                .setData(OFErrorCauseData.of(quoted, f.getVersion())).build();
    }

    /** The outbound flow-mod of binding 2, serialised as the switch received it. */
    private static byte[] outboundFlowMod(OFVersion v) {
        return bytes(compiler(v).installBinding(UDP).get(1));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void wholeQuoteIsParsed(OFVersion v) {
        FlowCompiler c = compiler(v);
        assertEquals(Optional.of(Cookies.binding(2)), c.cookieOfFailedFlowMod(tableFull(factory(v), outboundFlowMod(v))));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void first64BytesAreEnough(OFVersion v) {
        byte[] quote = Arrays.copyOf(outboundFlowMod(v), 64); // what OVS and the spec's minimum give
        assertEquals(Optional.of(Cookies.binding(2)), compiler(v).cookieOfFailedFlowMod(tableFull(factory(v), quote)));
    }

    @Test
    void of10CookieSitsAfterTheMatch() {
        byte[] quote = Arrays.copyOf(outboundFlowMod(OFVersion.OF_10), 56);
        assertEquals(Optional.of(U64.of(0xf101000000000002L)),
                compiler(OFVersion.OF_10).cookieOfFailedFlowMod(tableFull(factory(OFVersion.OF_10), quote)));
        byte[] tooShort = Arrays.copyOf(quote, 55);
        assertEquals(Optional.empty(),
                compiler(OFVersion.OF_10).cookieOfFailedFlowMod(tableFull(factory(OFVersion.OF_10), tooShort)));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void malformedQuotesGiveNothing(OFVersion v) {
        FlowCompiler c = compiler(v);
        OFFactory f = factory(v);
        assertEquals(Optional.empty(), c.cookieOfFailedFlowMod(tableFull(f, new byte[0])));
        assertEquals(Optional.empty(), c.cookieOfFailedFlowMod(tableFull(f, Arrays.copyOf(outboundFlowMod(v), 15))));
        byte[] barrier = Arrays.copyOf(bytes(f.barrierRequest()), 64); // not a flow-mod
        assertEquals(Optional.empty(), c.cookieOfFailedFlowMod(tableFull(f, barrier)));
        byte[] otherVersion = outboundFlowMod(v);
        otherVersion[0] = (byte) (otherVersion[0] + 1);
        assertEquals(Optional.empty(), c.cookieOfFailedFlowMod(tableFull(f, otherVersion)));
        byte[] garbage = new byte[64];
        Arrays.fill(garbage, (byte) 0xff);
        assertEquals(Optional.empty(), c.cookieOfFailedFlowMod(tableFull(f, garbage)));
    }

    @Test
    void tableFullCodes() {
        OFFactory f13 = factory(OFVersion.OF_13);
        OFFactory f10 = factory(OFVersion.OF_10);
        assertTrue(FlowCompiler.isTableFull(tableFull(f13, new byte[0])));
        assertTrue(FlowCompiler.isTableFull(tableFull(f10, new byte[0])));
        assertFalse(FlowCompiler.isTableFull(f13.errorMsgs().buildFlowModFailedErrorMsg()
                .setCode(OFFlowModFailedCode.OVERLAP).setData(OFErrorCauseData.NONE).build()));
        assertFalse(FlowCompiler.isTableFull(f13.errorMsgs().buildBadRequestErrorMsg()
                .setCode(OFBadRequestCode.BAD_TYPE).setData(OFErrorCauseData.NONE).build()));
    }
}
