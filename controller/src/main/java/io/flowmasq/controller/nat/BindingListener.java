package io.flowmasq.controller.nat;

/**
 * Told of each binding's birth and death, for the binding log and the metrics. Called on the engine's
 * thread while the engine is locked: implementations must be quick and must not call back into it.
 */
public interface BindingListener {
    BindingListener NONE = new BindingListener() {
        @Override
        public void created(Binding binding, long now) {
        }

        @Override
        public void removed(Binding binding, RemovalReason reason, FlowCounts removedFlow, long now) {
        }

        @Override
        public void partnerFlowRemoved(long bindingId, FlowCounts counts, long now) {
        }
    };

    /** Once a second from the engine's tick: a chance to finish records whose partner flow never reported. */
    default void tick(long now) {
    }

    void created(Binding binding, long now);

    /**
     * A binding found in the switch's flows when the table was rebuilt (controller restart, reconnect) and
     * taken over: live from now on, as if created. By default told as {@link #created}.
     */
    default void adopted(Binding binding, long now) {
        created(binding, now);
    }

    /**
     * The binding is gone. {@code removedFlow} holds the counters of the flow whose FLOW_REMOVED ended
     * it; null when the controller removed it (operator delete) and the counters come later through
     * {@link #partnerFlowRemoved}.
     */
    void removed(Binding binding, RemovalReason reason, FlowCounts removedFlow, long now);

    /** The switch reported the removal of a flow of a binding already gone (its other direction). */
    void partnerFlowRemoved(long bindingId, FlowCounts counts, long now);

    /**
     * Why a binding went away, as logged and counted. TABLE_FULL: the switch refused its flows (no room), so
     * the binding was given up right after it was made.
     */
    enum RemovalReason {
        IDLE_TIMEOUT, HARD_TIMEOUT, DELETED_BY_OPERATOR, SWITCH_DELETED,
        /** The switch no longer had the binding's flows when the controller checked after a (re)connect. */
        SWITCH_LOST,
        /** The switch's flow table had no room for the binding's flows. */
        TABLE_FULL,
        OTHER;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What the switch counted on one flow; {@code outbound} is inside to outside. */
    record FlowCounts(boolean outbound, long packets, long bytes) {
    }
}
