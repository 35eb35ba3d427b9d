package io.flowmasq.controller.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FlowmasqMetricsTest {

    private static final String S1 = "00:00:00:00:00:00:00:01";
    private static final String S2 = "00:00:00:00:00:00:00:02";
    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    /** What Prometheus 2.x/3.x sends by default: protobuf first, which we do not ship. */
    private static final String PROMETHEUS_SCRAPER = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
            + "encoding=delimited;q=0.7,application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1";

    private final FlowmasqMetrics metrics = new FlowmasqMetrics();

    private List<String> scrape(String accept) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.writeTo(out, accept);
        return Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\n"));
    }

    @Test
    void textFormatHasExactSamplesWithHelpAndType() throws IOException {
        metrics.bindingCreated(S1, "tcp", "dynamic");
        metrics.bindingCreated(S1, "tcp", "dynamic");
        metrics.bindingCreated(S2, "udp", "static");
        metrics.bindingRemoved(S1, "tcp", "idle_timeout");
        metrics.forSwitch(S1).allocationRefused("ports_exhausted");
        metrics.forSwitch(S1).packetIn();
        metrics.forSwitch(S1).flowMod();
        metrics.forSwitch(S1).flowMod();
        metrics.forSwitch(S1).packetOut();
        metrics.algRewrite("ftp", "PORT");
        metrics.switchError(S2, "FLOW_MOD_FAILED");
        metrics.forSwitch(S1).malformedPacket("bad_ihl");

        assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.contentType(TEXT));
        List<String> lines = scrape(TEXT);

        assertTrue(lines.contains("# HELP flowmasq_bindings_created_total"
                + " NAT bindings created, by switch, protocol and origin (dynamic or static)"), lines::toString);
        assertTrue(lines.contains("# TYPE flowmasq_bindings_created_total counter"));
        assertTrue(lines.contains(
                "flowmasq_bindings_created_total{origin=\"dynamic\",protocol=\"tcp\",switch=\"" + S1 + "\"} 2.0"));
        assertTrue(lines.contains(
                "flowmasq_bindings_created_total{origin=\"static\",protocol=\"udp\",switch=\"" + S2 + "\"} 1.0"));
        assertTrue(lines.contains(
                "flowmasq_bindings_removed_total{protocol=\"tcp\",reason=\"idle_timeout\",switch=\"" + S1 + "\"} 1.0"));
        assertTrue(lines.contains(
                "flowmasq_allocation_refusals_total{reason=\"ports_exhausted\",switch=\"" + S1 + "\"} 1.0"));
        assertTrue(lines.contains("flowmasq_packet_ins_total{switch=\"" + S1 + "\"} 1.0"));
        assertTrue(lines.contains("flowmasq_flow_mods_total{switch=\"" + S1 + "\"} 2.0"));
        assertTrue(lines.contains("flowmasq_packet_outs_total{switch=\"" + S1 + "\"} 1.0"));
        assertTrue(lines.contains("flowmasq_alg_rewrites_total{alg=\"ftp\",command=\"PORT\"} 1.0"));
        assertTrue(lines.contains("flowmasq_switch_errors_total{switch=\"" + S2 + "\",type=\"FLOW_MOD_FAILED\"} 1.0"));
        assertTrue(lines.contains("flowmasq_malformed_packets_total{kind=\"bad_ihl\",switch=\"" + S1 + "\"} 1.0"));

        // every flowmasq metric family is documented and typed
        for (String family : List.of("flowmasq_bindings_removed_total", "flowmasq_allocation_refusals_total",
                "flowmasq_packet_ins_total", "flowmasq_flow_mods_total", "flowmasq_packet_outs_total",
                "flowmasq_alg_rewrites_total", "flowmasq_switch_errors_total", "flowmasq_malformed_packets_total")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("# HELP " + family + " ") && l.length() > 20 + family.length()),
                    family);
            assertTrue(lines.contains("# TYPE " + family + " counter"), family);
        }
        // JVM metrics come along in the same private registry
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("jvm_memory_used_bytes{")), "jvm metrics");
    }

    @Test
    void unknownRemovalReasonIsFoldedIntoOther() throws IOException {
        metrics.bindingRemoved(S1, "udp", "cosmic_ray");
        metrics.bindingRemoved(S1, "udp", null);
        assertTrue(scrape(TEXT).contains(
                "flowmasq_bindings_removed_total{protocol=\"udp\",reason=\"other\",switch=\"" + S1 + "\"} 2.0"));
    }

    @Test
    void aBindingTheSwitchHadNoRoomForHasItsOwnReasons() throws IOException {
        metrics.bindingRemoved(S1, "tcp", "table_full");
        metrics.forSwitch(S1).allocationRefused("table_full");
        List<String> lines = scrape(TEXT);
        assertTrue(lines.contains(
                "flowmasq_bindings_removed_total{protocol=\"tcp\",reason=\"table_full\",switch=\"" + S1 + "\"} 1.0"));
        assertTrue(lines.contains(
                "flowmasq_allocation_refusals_total{reason=\"table_full\",switch=\"" + S1 + "\"} 1.0"));
    }

    @Test
    void histogramHasClassicBucketsFromTenMicroseconds() throws IOException {
        metrics.forSwitch(S1).bindingSetupNanos(30_000);     // 30 µs
        metrics.forSwitch(S1).bindingSetupNanos(2_000_000);  // 2 ms
        List<String> lines = scrape(TEXT);
        String sw = "switch=\"" + S1 + "\"";
        assertTrue(lines.contains("# TYPE flowmasq_binding_setup_seconds histogram"));
        assertTrue(lines.contains("flowmasq_binding_setup_seconds_bucket{" + sw + ",le=\"1.0E-5\"} 0"), lines::toString);
        assertTrue(lines.contains("flowmasq_binding_setup_seconds_bucket{" + sw + ",le=\"2.5E-5\"} 0"));
        assertTrue(lines.contains("flowmasq_binding_setup_seconds_bucket{" + sw + ",le=\"5.0E-5\"} 1"));
        assertTrue(lines.contains("flowmasq_binding_setup_seconds_bucket{" + sw + ",le=\"0.001\"} 1"));
        assertTrue(lines.contains("flowmasq_binding_setup_seconds_bucket{" + sw + ",le=\"0.0025\"} 2"));
        assertTrue(lines.contains("flowmasq_binding_setup_seconds_bucket{" + sw + ",le=\"0.1\"} 2"));
        assertTrue(lines.contains("flowmasq_binding_setup_seconds_bucket{" + sw + ",le=\"+Inf\"} 2"));
        assertTrue(lines.contains("flowmasq_binding_setup_seconds_count{" + sw + "} 2"));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("flowmasq_binding_setup_seconds_sum{" + sw + "} 0.00203")));
    }

    @Test
    void activeBindingsComeFromTheCallbackAtEachScrape() throws IOException {
        AtomicLong tcp = new AtomicLong(3);
        metrics.bindingsActive(() -> List.of(
                new FlowmasqMetrics.ActiveBindings(S1, "tcp", tcp.get()),
                new FlowmasqMetrics.ActiveBindings(S1, "icmp", 1)));
        List<String> lines = scrape(TEXT);
        assertTrue(lines.contains("# TYPE flowmasq_bindings_active gauge"));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("# HELP flowmasq_bindings_active NAT bindings")));
        assertTrue(lines.contains("flowmasq_bindings_active{protocol=\"tcp\",switch=\"" + S1 + "\"} 3.0"), lines::toString);
        assertTrue(lines.contains("flowmasq_bindings_active{protocol=\"icmp\",switch=\"" + S1 + "\"} 1.0"));

        tcp.set(7);
        assertTrue(scrape(TEXT).contains("flowmasq_bindings_active{protocol=\"tcp\",switch=\"" + S1 + "\"} 7.0"));

        assertThrows(IllegalArgumentException.class, () -> metrics.bindingsActive(List::of));
    }

    @Test
    void counterSinkNamesMapOntoLabelledMetrics() throws IOException {
        metrics.forSwitch(S1).increment("nat.packet_in");
        metrics.forSwitch(S1).increment("nat.packet_in.existing_binding");
        metrics.forSwitch(S1).increment("nat.refused.ports_exhausted");
        metrics.forSwitch(S1).increment("nat.malformed.bad_ihl");
        metrics.forSwitch(S1).increment("openflow.error.FLOW_MOD_FAILED");
        metrics.forSwitch(S1).increment("nat.icmp.echo_out");
        metrics.forSwitch(S1).increment("nat.icmp.echo_out");
        metrics.forSwitch(null).increment("nat.refused.");
        List<String> lines = scrape(TEXT);
        String sw = "switch=\"" + S1 + "\"";
        assertTrue(lines.contains("flowmasq_packet_ins_total{" + sw + "} 1.0"), lines::toString);
        assertTrue(lines.contains("flowmasq_events_total{event=\"nat.packet_in.existing_binding\"," + sw + "} 1.0"));
        assertTrue(lines.contains("flowmasq_allocation_refusals_total{reason=\"ports_exhausted\"," + sw + "} 1.0"));
        assertTrue(lines.contains("flowmasq_malformed_packets_total{kind=\"bad_ihl\"," + sw + "} 1.0"));
        assertTrue(lines.contains("flowmasq_switch_errors_total{" + sw + ",type=\"FLOW_MOD_FAILED\"} 1.0"));
        assertTrue(lines.contains("flowmasq_events_total{event=\"nat.icmp.echo_out\"," + sw + "} 2.0"));
        assertTrue(lines.contains("flowmasq_allocation_refusals_total{reason=\"unknown\",switch=\"unknown\"} 1.0"));
        assertTrue(lines.contains("# TYPE flowmasq_events_total counter"));
    }

    @Test
    void aHeldSwitchSeriesCountsIntoTheSameSamplesAndShowsNothingBeforeItsFirstEvent() throws IOException {
        FlowmasqMetrics.SwitchSeries s1 = metrics.forSwitch(S1);
        FlowmasqMetrics.SwitchSeries s2 = metrics.forSwitch(S2);
        List<String> before = scrape(TEXT);
        assertTrue(before.stream().noneMatch(l -> l.startsWith("flowmasq_") && l.contains("switch=")), before::toString);

        for (int i = 0; i < 3; i++) {
            s1.packetIn();
            s1.flowMod();
            s1.flowMod();
            s1.packetOut();
            s1.bindingCreated("udp", "dynamic");
            s1.increment("nat.icmp.echo_out");
            s1.increment("nat.refused.ports_exhausted");
            s1.bindingSetupNanos(30_000);
        }
        metrics.forSwitch(S1).packetIn();                              // asking for the switch again reaches the same data points
        metrics.forSwitch(S1).increment("nat.packet_in");
        metrics.bindingCreated(S1, "udp", "dynamic");
        s1.bindingRemoved("udp", "cosmic_ray");
        s1.allocationRefused("ports_exhausted");
        s1.switchError("FLOW_MOD_FAILED");
        s1.malformedPacket("bad_ihl");
        s1.increment(null);
        assertEquals(s1, metrics.forSwitch(S1));

        List<String> lines = scrape(TEXT);
        String sw = "switch=\"" + S1 + "\"";
        assertTrue(lines.contains("flowmasq_packet_ins_total{" + sw + "} 5.0"), lines::toString);
        assertTrue(lines.contains("flowmasq_flow_mods_total{" + sw + "} 6.0"));
        assertTrue(lines.contains("flowmasq_packet_outs_total{" + sw + "} 3.0"));
        assertTrue(lines.contains("flowmasq_bindings_created_total{origin=\"dynamic\",protocol=\"udp\"," + sw + "} 4.0"));
        assertTrue(lines.contains("flowmasq_bindings_removed_total{protocol=\"udp\",reason=\"other\"," + sw + "} 1.0"));
        assertTrue(lines.contains("flowmasq_events_total{event=\"nat.icmp.echo_out\"," + sw + "} 3.0"));
        assertTrue(lines.contains("flowmasq_events_total{event=\"unknown\"," + sw + "} 1.0"));
        assertTrue(lines.contains("flowmasq_allocation_refusals_total{reason=\"ports_exhausted\"," + sw + "} 4.0"));
        assertTrue(lines.contains("flowmasq_switch_errors_total{" + sw + ",type=\"FLOW_MOD_FAILED\"} 1.0"));
        assertTrue(lines.contains("flowmasq_malformed_packets_total{kind=\"bad_ihl\"," + sw + "} 1.0"));
        assertTrue(lines.contains("flowmasq_binding_setup_seconds_count{" + sw + "} 3"));
        assertTrue(lines.contains("flowmasq_binding_setup_seconds_bucket{" + sw + ",le=\"2.5E-5\"} 0"));
        assertTrue(lines.contains("flowmasq_binding_setup_seconds_bucket{" + sw + ",le=\"5.0E-5\"} 3"));
        // S2's series was asked for but never used: none of its samples exist
        assertTrue(lines.stream().noneMatch(l -> l.contains(S2)), lines::toString);
        s2.packetOut();
        assertTrue(scrape(TEXT).contains("flowmasq_packet_outs_total{switch=\"" + S2 + "\"} 1.0"));
    }

    @Test
    void openMetricsWhenAcceptAsksForIt() throws IOException {
        metrics.forSwitch(S1).packetIn();
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8", metrics.contentType(OPENMETRICS));
        List<String> lines = scrape(OPENMETRICS);
        assertTrue(lines.contains("# TYPE flowmasq_packet_ins counter"), lines::toString);
        assertTrue(lines.contains("# HELP flowmasq_packet_ins OpenFlow PACKET_IN messages handled by the NAT engine, by switch"));
        assertTrue(lines.contains("flowmasq_packet_ins_total{switch=\"" + S1 + "\"} 1.0"));
        assertEquals("# EOF", lines.get(lines.size() - 1));
    }

    @Test
    void protobufPreferringScraperGetsOpenMetricsAndNoAcceptGetsText() throws IOException {
        assertTrue(metrics.contentType(PROMETHEUS_SCRAPER).startsWith("application/openmetrics-text"));
        assertEquals("# EOF", scrape(PROMETHEUS_SCRAPER).get(scrape(PROMETHEUS_SCRAPER).size() - 1));
        assertTrue(metrics.contentType(null).startsWith("text/plain; version=0.0.4"));
        assertFalse(scrape(null).contains("# EOF"));
        assertTrue(metrics.contentType("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily")
                .startsWith("text/plain"));
    }

    @Test
    void registriesAreNotShared() throws IOException {
        metrics.forSwitch(S1).packetIn();
        FlowmasqMetrics other = new FlowmasqMetrics();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        other.writeTo(out, TEXT);
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("flowmasq_packet_ins_total{"));
    }
}
