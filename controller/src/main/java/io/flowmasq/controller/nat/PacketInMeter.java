package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.LimitsConfig;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFMeterFeatures;
import org.projectfloodlight.openflow.protocol.OFMeterFeaturesStatsReply;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.errormsg.OFMeterModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.OFMeterModFailedCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks an OpenFlow 1.3 switch to rate-limit new inside flows on their way to the controller: on connect the
 * pipeline goes in unmetered and the switch is asked for its meter features; only when it has a packets-per-
 * second meter with a drop band do the meter and the metered flows follow (re-adding replaces the flows in
 * place). A meter the switch refuses puts the unmetered flows back, so no switch is ever left without them.
 */
final class PacketInMeter {
    private static final Logger LOG = LoggerFactory.getLogger(PacketInMeter.class);
    /** OFPMF_PKTPS and OFPMF_BURST in the features' capabilities; OFPMBT_DROP in its band types. */
    private static final long CAP_PKTPS = 1L << 1;
    private static final long CAP_BURST = 1L << 2;
    private static final long BAND_DROP = 1L << 1;

    enum State { OFF, ASKED, INSTALLED, UNSUPPORTED }

    private final LimitsConfig limits;
    private final FlowCompiler compiler;
    /** The pipeline in force (the rule chain's public addresses change it at runtime). */
    private final Supplier<PipelineSpec> pipeline;
    private final String switchName;
    private final CounterSink counters;
    private State state = State.OFF;

    PacketInMeter(LimitsConfig limits, FlowCompiler compiler, Supplier<PipelineSpec> pipeline, String switchName,
                  CounterSink counters) {
        this.limits = limits;
        this.compiler = compiler;
        this.pipeline = pipeline;
        this.switchName = switchName;
        this.counters = counters;
    }

    State state() {
        return state;
    }

    /** Whether the new-flow pipeline flows go through the meter now. */
    boolean metered() {
        return state == State.INSTALLED;
    }

    /** On every connect, after the (unmetered) pipeline. */
    List<OFMessage> onConnect() {
        if (!limits.meterOn() || !compiler.supportsMeters()) {
            state = State.OFF;
            return List.of();
        }
        state = State.ASKED;
        return List.of(compiler.meterFeaturesRequest());
    }

    List<OFMessage> onFeatures(OFMeterFeaturesStatsReply reply) {
        if (state != State.ASKED) {
            return List.of();
        }
        OFMeterFeatures f = reply.getFeatures();
        if (f.getMaxMeter() < FlowCompiler.PACKET_IN_METER_ID || (f.getBandTypes() & BAND_DROP) == 0
                || (f.getCapabilities() & CAP_PKTPS) == 0 || (f.getCapabilities() & CAP_BURST) == 0) {
            state = State.UNSUPPORTED;
            counters.increment("openflow.meter.unsupported");
            LOG.info("switch {}: no packets-per-second drop meter (max meter {}, band types 0x{}, capabilities 0x{});"
                    + " new flows reach the controller unmetered", switchName, f.getMaxMeter(),
                    Long.toHexString(f.getBandTypes()), Long.toHexString(f.getCapabilities()));
            return List.of();
        }
        state = State.INSTALLED;
        counters.increment("openflow.meter.installed");
        LOG.info("switch {}: new inside flows metered to {} packet-ins/s (burst {})", switchName,
                limits.meterPacketsPerSecond(), limits.meterBurst());
        List<OFMessage> out = new ArrayList<>();
        out.add(compiler.packetInMeter(OFMeterModCommand.ADD, limits.meterPacketsPerSecond(), limits.meterBurst()));
        out.addAll(compiler.insideToController(pipeline.get(), true));
        return out;
    }

    /**
     * An error from the switch: the meter exists from an earlier connection (modified in place), or the
     * switch refused the meter or a flow that uses it (the unmetered flows go back). Other errors: nothing.
     */
    List<OFMessage> onError(OFErrorMsg error) {
        if (state != State.INSTALLED) {
            return List.of();
        }
        if (error instanceof OFMeterModFailedErrorMsg m && m.getCode() == OFMeterModFailedCode.METER_EXISTS) {
            return List.of(compiler.packetInMeter(OFMeterModCommand.MODIFY, limits.meterPacketsPerSecond(),
                    limits.meterBurst()));
        }
        if (error.getErrType() != OFErrorType.METER_MOD_FAILED && error.getErrType() != OFErrorType.BAD_INSTRUCTION) {
            return List.of();
        }
        state = State.UNSUPPORTED;
        counters.increment("openflow.meter.refused");
        LOG.warn("switch {}: the switch refused the packet-in meter ({}); new flows reach the controller unmetered",
                switchName, error.getErrType());
        return compiler.insideToController(pipeline.get(), false);
    }
}
