package io.flowmasq.rest;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static io.flowmasq.rest.FakeNatService.ICMP_A;
import static io.flowmasq.rest.FakeNatService.STATIC_SSH;
import static io.flowmasq.rest.FakeNatService.TCP_A;
import static io.flowmasq.rest.FakeNatService.UDP_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BindingFilterTest {
    private static final List<BindingView> ALL = List.of(TCP_A, UDP_B, ICMP_A, STATIC_SSH);

    private static List<BindingView> select(String query) {
        BindingFilter filter = BindingFilter.parse(ApiRequest.parse(HttpMethod.GET, "/b?" + query));
        return ALL.stream().filter(filter).toList();
    }

    private static ApiException rejected(String query) {
        return assertThrows(ApiException.class, () -> select(query));
    }

    @Test
    void noFilterSelectsAll() {
        assertEquals(ALL, select(""));
    }

    @Test
    void filtersCombineWithAnd() {
        assertEquals(List.of(TCP_A, ICMP_A), select("inside=10.0.0.5"));
        assertEquals(List.of(UDP_B), select("proto=UDP"));
        assertEquals(List.of(ICMP_A), select("inside=10.0.0.5&switch=2"));
        assertEquals(List.of(), select("inside=10.0.0.6&proto=tcp"));
        assertEquals(List.of(ICMP_A), select("public=203.0.113.2"));
        assertEquals(List.of(UDP_B), select("public=203.0.113.1:61001"));
        assertEquals(List.of(TCP_A, STATIC_SSH), select("proto=tcp&switch=1"));
        assertEquals(List.of(STATIC_SSH), select("origin=STATIC"));
        assertEquals(List.of(TCP_A), select("state=established&origin=dynamic"));
    }

    @Test
    void switchAcceptsColonHexAndDecimalSpellings() {
        List<BindingView> onFirst = List.of(TCP_A, UDP_B, STATIC_SSH);
        assertEquals(onFirst, select("switch=00:00:00:00:00:00:00:01"));
        assertEquals(onFirst, select("switch=0x1"));
        assertEquals(onFirst, select("switch=1"));
        assertEquals(OptionalLong.of(-1L), Dpids.parse("ff:ff:ff:ff:ff:ff:ff:ff"));
        assertEquals(OptionalLong.of(-1L), Dpids.parse("18446744073709551615"));
        assertTrue(Dpids.parse("18446744073709551616").isEmpty());
        assertTrue(Dpids.parse("00:01").isEmpty());
        assertEquals("ff:ff:ff:ff:ff:ff:ff:ff", Dpids.format(-1L));
        assertEquals("00:00:00:00:00:00:00:2a", Dpids.format(42));
    }

    @Test
    void badValuesNameTheirParameter() {
        for (String query : List.of("inside=10.0.0", "inside=host.example", "inside=::1", "inside=10.0.0.1:5")) {
            assertEquals("inside", rejected(query).field(), query);
        }
        for (String query : List.of("public=10.0.0", "public=10.0.0.1:", "public=10.0.0.1:0", "public=:80")) {
            assertEquals("public", rejected(query).field(), query);
        }
        assertEquals("proto", rejected("proto=sctp").field());
        assertEquals("switch", rejected("switch=0xZZ").field());
        assertEquals("state", rejected("state=listen").field());
        assertEquals("origin", rejected("origin=operator").field());
        ApiException e = rejected("proto=sctp");
        assertEquals(HttpResponseStatus.BAD_REQUEST, e.status());
        assertTrue(e.getMessage().contains("sctp"), e.getMessage());
        assertTrue(rejected("state=listen").getMessage().contains("established"), "lists what is accepted");
    }

    @Test
    void repeatedOrEmptyParametersAreRejected() {
        assertEquals("proto", rejected("proto=tcp&proto=udp").field());
        assertEquals("inside", rejected("inside=").field());
    }
}
