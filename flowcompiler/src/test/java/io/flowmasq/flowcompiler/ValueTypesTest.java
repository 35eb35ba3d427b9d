package io.flowmasq.flowcompiler;

import static io.flowmasq.flowcompiler.NatFixture.TCP;
import static io.flowmasq.flowcompiler.NatFixture.TO_INSIDE;
import static io.flowmasq.flowcompiler.NatFixture.TO_OUTSIDE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.U64;

class ValueTypesTest {
    private static final Endpoint IN = Endpoint.of("10.0.0.11", 40000);
    private static final Endpoint EXT = Endpoint.of("203.0.113.1", 40000);

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 0xabcdef, Cookies.MAX_BINDING_ID})
    void bindingCookieRoundTrips(long id) {
        U64 cookie = Cookies.binding(id);
        assertTrue(Cookies.isBinding(cookie));
        assertEquals(id, Cookies.bindingId(cookie));
    }

    @Test
    void cookieLayout() {
        assertEquals(0xf101000000000001L, Cookies.binding(1).getValue());
        assertEquals(0xf100000000000000L, Cookies.PIPELINE.getValue());
        assertEquals(0xf101ffffffffffffL, Cookies.binding(Cookies.MAX_BINDING_ID).getValue());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Cookies.MAX_BINDING_ID + 1})
    void bindingIdOutOfRangeIsRejected(long id) {
        assertThrows(IllegalArgumentException.class, () -> Cookies.binding(id));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 0x0101000000000001L, 0xf102000000000001L, 0xf100000000000000L, 0xab01000000000001L})
    void foreignCookiesAreNotBindings(long cookie) {
        assertFalse(Cookies.isBinding(U64.of(cookie)));
        assertThrows(IllegalArgumentException.class, () -> Cookies.bindingId(U64.of(cookie)));
    }

    @Test
    void endpointValidatesItsPort() {
        assertThrows(IllegalArgumentException.class, () -> Endpoint.of("10.0.0.1", -1));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.of("10.0.0.1", 65536));
        assertThrows(NullPointerException.class, () -> new Endpoint(null, 1));
        assertEquals("10.0.0.1:65535", Endpoint.of("10.0.0.1", 65535).toString());
        assertEquals(0, Endpoint.of("10.0.0.1", 0).port());
    }

    @Test
    void bindingSpecValidates() {
        assertThrows(IllegalArgumentException.class,
                () -> new BindingSpec(0, Protocol.UDP, IN, EXT, TO_INSIDE, TO_OUTSIDE, 300));
        assertThrows(IllegalArgumentException.class, () -> new BindingSpec(Cookies.MAX_BINDING_ID + 1,
                Protocol.UDP, IN, EXT, TO_INSIDE, TO_OUTSIDE, 300));
        assertThrows(IllegalArgumentException.class, () -> TCP.withIdleTimeout(-1));
        assertEquals(0, TCP.withIdleTimeout(0).idleTimeout(), "0: a static binding, no expiry");
        assertThrows(IllegalArgumentException.class, () -> TCP.withIdleTimeout(65536));
        assertThrows(NullPointerException.class,
                () -> new BindingSpec(1, null, IN, EXT, TO_INSIDE, TO_OUTSIDE, 300));
        assertThrows(NullPointerException.class,
                () -> new BindingSpec(1, Protocol.UDP, IN, EXT, TO_INSIDE, null, 300));
        BindingSpec shorter = TCP.withIdleTimeout(60);
        assertEquals(60, shorter.idleTimeout());
        assertEquals(TCP, shorter.withIdleTimeout(TCP.idleTimeout()));
    }

    @Test
    void flowStampValidates() {
        assertThrows(IllegalArgumentException.class, () -> new FlowStamp(Cookies.PIPELINE, -1, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new FlowStamp(Cookies.PIPELINE, 65536, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new FlowStamp(Cookies.PIPELINE, 1, -1, false));
        assertThrows(IllegalArgumentException.class, () -> new FlowStamp(Cookies.PIPELINE, 1, 65536, false));
        assertThrows(NullPointerException.class, () -> new FlowStamp(null, 1, 0, false));
        assertEquals(new FlowStamp(Cookies.PIPELINE, 100, 0, false), FlowStamp.pipeline(100));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_11", "OF_12", "OF_14", "OF_15"})
    void compilerRejectsUnsupportedVersions(OFVersion v) {
        assertThrows(IllegalArgumentException.class, () -> FlowCompiler.forFactory(OFFactories.getFactory(v)));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void compilerKeepsItsVersion(OFVersion v) {
        assertEquals(v, FlowCompiler.forFactory(OFFactories.getFactory(v)).version());
    }

    @Test
    void endpointHashesSpreadNeighbouringHostsAndPorts() {
        assertEquals(Endpoint.of("10.0.0.11", 40000).hashCode(), IN.hashCode());
        assertTrue(Endpoint.of("10.0.0.12", 39969).hashCode() != IN.hashCode(), "(a + 1, p - 31)");
        java.util.Set<Integer> hashes = new java.util.HashSet<>();
        int n = 0;
        for (int host = 1; host < 255; host++) {
            for (int port = 32768; port < 33768; port++) {
                hashes.add(new Endpoint(org.projectfloodlight.openflow.types.IPv4Address.of((10 << 24) | host), port)
                        .hashCode());
                n++;
            }
        }
        assertTrue(hashes.size() > n * 0.999, hashes.size() + " distinct hashes for " + n + " endpoints");
    }
}
