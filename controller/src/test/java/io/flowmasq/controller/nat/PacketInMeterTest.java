package io.flowmasq.controller.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.LimitsConfig;
import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.flowcompiler.FlowCompiler;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFBadInstructionCode;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterFeaturesStatsReply;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.projectfloodlight.openflow.protocol.OFMeterModFailedCode;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFErrorCauseData;

/** The OF1.3 packet-in meter: asked for, installed only where the switch has one, and backed out on refusal. */
class PacketInMeterTest {
    private static final OFFactory OF13 = OFFactories.getFactory(OFVersion.OF_13);
    private static final FlowCompiler C13 = FlowCompiler.forFactory(OF13);
    private static final LimitsConfig LIMITS = LimitsConfig.DEFAULT.withMeter(2000, 500);

    private static SwitchConfig config(LimitsConfig limits) {
        return EngineHarness.config(PortRange.DEFAULT, new TimerConfig("rfc", 7440, 240, 300, 60), OptionalInt.empty())
                .withLimits(limits);
    }

    /** What Open vSwitch 3.1's userspace datapath answers: 2^32-1 meters, drop band, kbps/pktps/burst/stats. */
    private static OFMeterFeaturesStatsReply features(long maxMeter, long bandTypes, long capabilities) {
        return OF13.buildMeterFeaturesStatsReply().setFeatures(OF13.buildMeterFeatures().setMaxMeter(maxMeter)
                .setBandTypes(bandTypes).setCapabilities(capabilities).setMaxBands((short) 1).setMaxColor((short) 0)
                .build()).build();
    }

    private static final OFMeterFeaturesStatsReply OVS = features(0xffffffffL, 0b10, 0b1111);

    private static List<OFMessage> metered() {
        List<OFMessage> want = new ArrayList<>();
        want.add(C13.packetInMeter(OFMeterModCommand.ADD, 2000, 500));
        want.addAll(C13.insideToController(NatEngine.pipelineSpec(config(LIMITS)), true));
        return Xids.zeroed(want);
    }

    @Test
    void connectAsksForMeterFeaturesThenInstallsTheMeterAndTheMeteredFlows() {
        EngineHarness h = new EngineHarness(OFVersion.OF_13, config(LIMITS));
        List<OFMessage> connect = h.engine.onConnect(h.now);
        assertTrue(Xids.zeroed(connect).contains(Xids.zeroed(List.of(C13.meterFeaturesRequest())).get(0)));
        // the pipeline itself goes in unmetered: a switch that never answers keeps its new-flow flows
        assertTrue(Xids.zeroed(connect).containsAll(Xids.zeroed(C13.pipeline(NatEngine.pipelineSpec(config(LIMITS))))));
        assertEquals(metered(), Xids.zeroed(h.engine.onMeterFeatures(OVS, h.now)));
        assertEquals(1, h.counter("openflow.meter.installed"));
        assertEquals(List.of(), h.engine.onMeterFeatures(OVS, h.now), "a second reply changes nothing");
    }

    @Test
    void aSwitchWithoutSuitableMetersKeepsTheUnmeteredFlows() {
        for (OFMeterFeaturesStatsReply f : List.of(features(0, 0b10, 0b1111), features(64, 0b100, 0b1111),
                features(64, 0b10, 0b0001))) {
            EngineHarness h = new EngineHarness(OFVersion.OF_13, config(LIMITS));
            h.engine.onConnect(h.now);
            assertEquals(List.of(), h.engine.onMeterFeatures(f, h.now), f.toString());
            assertEquals(1, h.counter("openflow.meter.unsupported"));
        }
    }

    @Test
    void aMeterLeftFromAnEarlierConnectionIsModified() {
        EngineHarness h = new EngineHarness(OFVersion.OF_13, config(LIMITS));
        h.engine.onConnect(h.now);
        h.engine.onMeterFeatures(OVS, h.now);
        List<OFMessage> out = h.engine.onError(OF13.errorMsgs().buildMeterModFailedErrorMsg()
                .setCode(OFMeterModFailedCode.METER_EXISTS).setData(OFErrorCauseData.NONE).build(), h.now);
        assertEquals(Xids.zeroed(List.of(C13.packetInMeter(OFMeterModCommand.MODIFY, 2000, 500))), Xids.zeroed(out));
    }

    @Test
    void aRefusedMeterOrMeteredFlowPutsTheUnmeteredFlowsBack() {
        List<OFMessage> unmetered = Xids.zeroed(C13.insideToController(NatEngine.pipelineSpec(config(LIMITS)), false));
        for (var error : List.of(
                OF13.errorMsgs().buildMeterModFailedErrorMsg().setCode(OFMeterModFailedCode.OUT_OF_METERS)
                        .setData(OFErrorCauseData.NONE).build(),
                OF13.errorMsgs().buildBadInstructionErrorMsg().setCode(OFBadInstructionCode.UNSUP_INST)
                        .setData(OFErrorCauseData.NONE).build())) {
            EngineHarness h = new EngineHarness(OFVersion.OF_13, config(LIMITS));
            h.engine.onConnect(h.now);
            h.engine.onMeterFeatures(OVS, h.now);
            assertEquals(unmetered, Xids.zeroed(h.engine.onError(error, h.now)));
            assertEquals(1, h.counter("openflow.meter.refused"));
            assertEquals(List.of(), h.engine.onError(error, h.now), "once");
        }
    }

    @Test
    void unrelatedErrorsAndOtherStatesDoNothing() {
        EngineHarness h = new EngineHarness(OFVersion.OF_13, config(LIMITS));
        h.engine.onConnect(h.now);
        var error = OF13.errorMsgs().buildMeterModFailedErrorMsg().setCode(OFMeterModFailedCode.OUT_OF_METERS)
                .setData(OFErrorCauseData.NONE).build();
        assertEquals(List.of(), h.engine.onError(error, h.now), "before the meter was sent");
        h.engine.onMeterFeatures(OVS, h.now);
        assertEquals(List.of(), h.engine.onError(OF13.errorMsgs().buildFlowModFailedErrorMsg()
                .setCode(org.projectfloodlight.openflow.protocol.OFFlowModFailedCode.TABLE_FULL)
                .setData(OFErrorCauseData.NONE).build(), h.now));
    }

    @Test
    void noMeterOnOpenFlow10OrWhenConfiguredOff() {
        EngineHarness of10 = new EngineHarness(OFVersion.OF_10, config(LIMITS));
        assertFalse(of10.engine.onConnect(of10.now).stream().anyMatch(m -> m.getType() == OFType.STATS_REQUEST));
        EngineHarness off = new EngineHarness(OFVersion.OF_13, config(LIMITS.withMeter(0, 1)));
        assertFalse(off.engine.onConnect(off.now).stream().anyMatch(m -> m.getType() == OFType.STATS_REQUEST));
        assertEquals(List.of(), off.engine.onMeterFeatures(OVS, off.now));
    }
}
