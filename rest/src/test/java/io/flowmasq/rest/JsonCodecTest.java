package io.flowmasq.rest;

import com.google.gson.JsonObject;
import com.google.gson.stream.JsonWriter;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.flowmasq.rest.FakeNatService.ICMP_A;
import static io.flowmasq.rest.FakeNatService.S1;
import static io.flowmasq.rest.FakeNatService.S2;
import static io.flowmasq.rest.FakeNatService.STATIC_SSH;
import static io.flowmasq.rest.FakeNatService.TCP_A;
import static io.flowmasq.rest.FakeNatService.UDP_B;
import static io.flowmasq.rest.FakeNatService.UNCONFIGURED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wire format. Renaming a view component changes the public API: these tests must then change on purpose. */
class JsonCodecTest {
    private final JsonCodec codec = new JsonCodec();

    private String page(List<BindingView> bindings, String nextCursor) throws Exception {
        StringWriter out = new StringWriter();
        JsonWriter json = codec.newWriter(out);
        codec.beginBindingsPage(json);
        for (BindingView b : bindings) {
            codec.writeBinding(json, b);
        }
        codec.endBindingsPage(json, bindings.size(), nextCursor, Instant.parse("2026-11-25T15:22:42.137456Z"));
        json.flush();
        return out.toString();
    }

    @Test
    void bindingWireFormatIsPinned() {
        String expected = "{\"id\":1,\"dpid\":\"00:00:00:00:00:00:00:01\",\"switch_name\":\"edge-1\",\"protocol\":\"tcp\","
                + "\"inside_address\":\"10.0.0.5\",\"inside_port\":40000,\"public_address\":\"203.0.113.1\","
                + "\"public_port\":61000,\"remote\":\"198.51.100.7:443\",\"state\":\"established\",\"origin\":\"dynamic\","
                + "\"age_seconds\":12,\"idle_timeout_seconds\":7440,\"idle_seconds_left\":7400,"
                + "\"cookie\":\"0x0100000000000001\",\"traffic\":{\"packets_out\":10,\"bytes_out\":1500,\"packets_in\":8,"
                + "\"bytes_in\":9000,\"as_of\":\"2026-11-25T15:22:40Z\",\"age_seconds\":2},\"children\":[]}";
        assertEquals(expected, codec.write(codec.binding(TCP_A)));
        assertEquals(TCP_A, codec.decodeBinding(codec.parse(expected)));
    }

    @Test
    void nullsAreWrittenAndChildrenPinned() {
        String json = codec.write(codec.binding(STATIC_SSH));
        assertTrue(json.contains("\"remote\":null,"), json);
        assertTrue(json.contains("\"idle_seconds_left\":null,"), json);
        assertTrue(json.contains("\"traffic\":null,"), json);
        assertTrue(json.endsWith("\"children\":[{\"kind\":\"ftp-data-expectation\",\"protocol\":\"tcp\","
                + "\"inside\":\"10.0.0.11:40001\",\"public_endpoint\":\"203.0.113.1:40001\",\"remote\":\"198.51.100.20:*\","
                + "\"expires_in_seconds\":27,\"binding_id\":null}]}"), json);
        assertEquals(STATIC_SSH, codec.decodeBinding(codec.parse(json)));
    }

    @Test
    void streamedPageRoundTrips() throws Exception {
        List<BindingView> bindings = List.of(TCP_A, UDP_B, ICMP_A, STATIC_SSH);
        JsonObject document = codec.parse(page(bindings, "djE6NQ"));
        assertEquals(bindings, codec.decodeBindings(document));
        assertEquals(4, document.get("count").getAsInt());
        assertEquals("djE6NQ", document.get("next_cursor").getAsString());
        assertEquals("2026-11-25T15:22:42.137Z", document.get("snapshot_time").getAsString(), "milliseconds, UTC");
    }

    @Test
    void emptyLastPage() throws Exception {
        assertEquals("{\"bindings\":[],\"count\":0,\"next_cursor\":null,\"snapshot_time\":\"2026-11-25T15:22:42.137Z\"}",
                page(List.of(), null));
    }

    @Test
    void switchesRoundTripKeepingNulls() {
        List<SwitchView> switches = List.of(S1, S2, UNCONFIGURED);
        JsonObject document = codec.parse(codec.write(codec.switches(switches)));
        assertEquals(switches, codec.decodeSwitches(document));
        JsonObject unconfigured = document.getAsJsonArray("switches").get(2).getAsJsonObject();
        assertTrue(unconfigured.get("name").isJsonNull(), "null name is written, not dropped");
        assertEquals(List.of("dpid", "name", "version", "remote_address", "connected_since", "configured", "connected",
                "bindings", "flows", "ports", "capabilities"), List.copyOf(unconfigured.keySet()));
        assertEquals("{\"number\":1,\"name\":\"eth1\",\"mac\":\"02:00:00:00:00:01\",\"up\":true,\"role\":\"inside\"}",
                document.getAsJsonArray("switches").get(0).getAsJsonObject().getAsJsonArray("ports").get(0).toString());
    }

    @Test
    void statsRoundTripSortedWithTotal() {
        StatsView stats = new StatsView(Map.of("udp", 2L, "tcp", 5L), 12.25,
                Map.of("zeta", 1L, "alpha", Long.MAX_VALUE, "mid.dot", 0L));
        JsonObject document = codec.parse(codec.write(codec.stats(stats)));
        assertEquals(stats, codec.decodeStats(document));
        assertEquals("{\"bindings_by_protocol\":{\"tcp\":5,\"udp\":2},\"bindings_total\":7,\"packet_ins_per_second\":12.25,"
                + "\"counters\":{\"alpha\":9223372036854775807,\"mid.dot\":0,\"zeta\":1}}", codec.write(document));
    }

    @Test
    void healthDocuments() {
        assertEquals("{\"status\":\"ok\",\"ready\":true,\"engine_running\":true,\"switches_configured\":1,"
                + "\"switches_connected\":1}", codec.write(codec.health(new HealthView(true, 1, 1))));
        assertEquals("{\"status\":\"unavailable\",\"ready\":false,\"engine_running\":false,\"switches_configured\":1,"
                + "\"switches_connected\":1}", codec.write(codec.health(new HealthView(false, 1, 1))));
    }

    @Test
    void deletions() {
        assertEquals("{\"id\":42,\"removed\":false}", codec.write(codec.deleted(42, false)));
        assertEquals("{\"removed\":[4,2],\"count\":2}", codec.write(codec.bulkDeleted(List.of(4L, 2L))));
    }

    @Test
    void errorCarriesFieldAndDetailsOnlyWhenGiven() {
        assertEquals("{\"error\":\"boom\"}", codec.write(codec.error("boom", null, Map.of())));
        assertEquals("{\"error\":\"in use\",\"field\":\"public\",\"conflicting_binding\":41}",
                codec.write(codec.error("in use", "public", Map.of("conflicting_binding", 41L))));
        assertEquals("{\"error\":\"x\",\"removed\":[1,2]}", codec.write(codec.error("x", null, Map.of("removed", List.of(1L, 2L)))));
        JsonObject withField = codec.parse(codec.write(codec.error("bad <proto> & co", "proto", Map.of())));
        assertEquals("proto", withField.get("field").getAsString());
        assertEquals("bad <proto> & co", withField.get("error").getAsString());
        assertFalse(codec.write(withField).contains("\\u003c"), "no HTML escaping in an API for tools");
    }
}
