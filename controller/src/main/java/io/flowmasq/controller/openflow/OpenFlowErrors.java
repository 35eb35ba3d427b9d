package io.flowmasq.controller.openflow;

import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFAsyncConfigFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadActionErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadInstructionErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadMatchErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadPropertyErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadRequestErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBsnBaseError;
import org.projectfloodlight.openflow.protocol.errormsg.OFBundleFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFExperimenterErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFFlowModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFFlowMonitorFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFGroupModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFHelloFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFMeterModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFPortModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFQueueOpFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFRoleRequestFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFSwitchConfigFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFTableFeaturesFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFTableModFailedErrorMsg;

/** Human-readable error codes: Loxi puts each error type's code enum on its own subinterface. */
final class OpenFlowErrors {
    private OpenFlowErrors() {}

    /** "TYPE/CODE", e.g. "FLOW_MOD_FAILED/TABLE_FULL". */
    static String describe(OFErrorMsg error) {
        return error.getErrType() + "/" + code(error);
    }

    /** The counter of received errors of this type, e.g. "of.error.FLOW_MOD_FAILED". */
    static String counterName(OFErrorMsg error) {
        return OpenFlowCounters.ERROR_PREFIX + error.getErrType().name();
    }

    static String code(OFErrorMsg e) {
        if (e instanceof OFFlowModFailedErrorMsg m) return m.getCode().name();
        if (e instanceof OFBadRequestErrorMsg m) return m.getCode().name();
        if (e instanceof OFBadActionErrorMsg m) return m.getCode().name();
        if (e instanceof OFBadMatchErrorMsg m) return m.getCode().name();
        if (e instanceof OFBadInstructionErrorMsg m) return m.getCode().name();
        if (e instanceof OFHelloFailedErrorMsg m) return m.getCode().name();
        if (e instanceof OFSwitchConfigFailedErrorMsg m) return m.getCode().name();
        if (e instanceof OFPortModFailedErrorMsg m) return m.getCode().name();
        if (e instanceof OFTableModFailedErrorMsg m) return m.getCode().name();
        if (e instanceof OFGroupModFailedErrorMsg m) return m.getCode().name();
        if (e instanceof OFMeterModFailedErrorMsg m) return m.getCode().name();
        if (e instanceof OFQueueOpFailedErrorMsg m) return m.getCode().name();
        if (e instanceof OFRoleRequestFailedErrorMsg m) return m.getCode().name();
        if (e instanceof OFTableFeaturesFailedErrorMsg m) return m.getCode().name();
        if (e instanceof OFAsyncConfigFailedErrorMsg m) return m.getCode().name();
        if (e instanceof OFBadPropertyErrorMsg m) return m.getCode().name();
        if (e instanceof OFBundleFailedErrorMsg m) return m.getCode().name();
        if (e instanceof OFFlowMonitorFailedErrorMsg m) return m.getCode().name();
        if (e instanceof OFExperimenterErrorMsg m) {
            return "experimenter 0x" + Long.toHexString(m.getExperimenter()) + " subtype " + m.getSubtype();
        }
        if (e instanceof OFBsnBaseError m) {
            return "experimenter 0x" + Long.toHexString(m.getExperimenter()) + " subtype " + m.getSubtype();
        }
        return "?";
    }
}
