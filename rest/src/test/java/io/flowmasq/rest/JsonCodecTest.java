package io.flowmasq.rest;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.flowmasq.rest.FakeNatService.ICMP_A;
import static io.flowmasq.rest.FakeNatService.S1;
import static io.flowmasq.rest.FakeNatService.TCP_A;
import static io.flowmasq.rest.FakeNatService.UDP_B;
import static io.flowmasq.rest.FakeNatService.UNCONFIGURED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonCodecTest {
    private final JsonCodec codec = new JsonCodec();

    /** Encode, print, parse, decode: what a client reading our output would get back. */
    private JsonObject throughText(JsonObject document) {
        return codec.parse(codec.write(document));
    }

    @Test
    void bindingsRoundTrip() {
        List<BindingView> bindings = List.of(TCP_A, UDP_B, ICMP_A);
        JsonObject document = throughText(codec.bindings(bindings));
        assertEquals(bindings, codec.decodeBindings(document));
        assertEquals(3, document.get("count").getAsInt());
    }

    @Test
    void emptyBindingsHaveCountZero() {
        assertEquals("{\"bindings\":[],\"count\":0}", codec.write(codec.bindings(List.of())));
    }

    @Test
    void bindingWireFormatIsPinned() {
        // Renaming a BindingView component changes the public API: this test must then be updated on purpose.
        String expected = "{\"bindings\":[{\"id\":1,\"dpid\":\"00:00:00:00:00:00:00:01\",\"protocol\":\"tcp\","
                + "\"insideAddress\":\"10.0.0.5\",\"insidePort\":40000,\"publicAddress\":\"203.0.113.1\","
                + "\"publicPort\":61000,\"state\":\"ACTIVE\",\"ageSeconds\":12,\"idleTimeoutSeconds\":300,"
                + "\"cookie\":\"0x0100000000000001\",\"remote\":null}],\"count\":1}";
        assertEquals(expected, codec.write(codec.bindings(List.of(TCP_A))));
        assertEquals(List.of(TCP_A), codec.decodeBindings(codec.parse(expected)));
    }

    @Test
    void switchesRoundTripKeepingNulls() {
        List<SwitchView> switches = List.of(S1, UNCONFIGURED);
        JsonObject document = throughText(codec.switches(switches));
        assertEquals(switches, codec.decodeSwitches(document));
        JsonObject unconfigured = document.getAsJsonArray("switches").get(1).getAsJsonObject();
        assertTrue(unconfigured.has("name"), "null name is written, not dropped");
        assertTrue(unconfigured.get("name").isJsonNull());
        assertEquals(List.of("dpid", "name", "version", "remoteAddress", "connectedSince", "configured", "bindings"),
                List.copyOf(unconfigured.keySet()));
    }

    @Test
    void countersRoundTripSortedByName() {
        Map<String, Long> counters = Map.of("zeta", 1L, "alpha", Long.MAX_VALUE, "mid.dot", 0L);
        JsonObject document = throughText(codec.counters(counters));
        assertEquals(counters, codec.decodeCounters(document));
        assertEquals(List.of("alpha", "mid.dot", "zeta"),
                List.copyOf(document.getAsJsonObject("counters").keySet()));
        assertEquals(Long.MAX_VALUE, document.getAsJsonObject("counters").get("alpha").getAsLong());
    }

    @Test
    void healthDocuments() {
        assertEquals("{\"status\":\"ok\",\"ready\":true}", codec.write(codec.health(true)));
        assertEquals("{\"status\":\"starting\",\"ready\":false}", codec.write(codec.health(false)));
    }

    @Test
    void errorCarriesDetailsOnlyWhenGiven() {
        assertEquals("{\"error\":\"boom\"}", codec.write(codec.error("boom", Map.of())));
        JsonObject withField = throughText(codec.error("bad <proto> & co", Map.of("field", "proto")));
        assertEquals("proto", withField.get("field").getAsString());
        assertEquals("bad <proto> & co", withField.get("error").getAsString());
        assertFalse(codec.write(withField).contains("\\u003c"), "no HTML escaping in an API for tools");
    }
}
