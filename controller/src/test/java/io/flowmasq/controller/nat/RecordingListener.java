package io.flowmasq.controller.nat;

import java.util.ArrayList;
import java.util.List;

/** Records every {@link BindingListener} call, in order, as a comparable value. */
final class RecordingListener implements BindingListener {
    record Created(Binding binding, long now) {
    }

    record Removed(Binding binding, RemovalReason reason, FlowCounts removedFlow, long now) {
    }

    record PartnerRemoved(long bindingId, FlowCounts counts, long now) {
    }

    final List<Object> calls = new ArrayList<>();

    @Override
    public void created(Binding binding, long now) {
        calls.add(new Created(binding, now));
    }

    @Override
    public void removed(Binding binding, RemovalReason reason, FlowCounts removedFlow, long now) {
        calls.add(new Removed(binding, reason, removedFlow, now));
    }

    @Override
    public void partnerFlowRemoved(long bindingId, FlowCounts counts, long now) {
        calls.add(new PartnerRemoved(bindingId, counts, now));
    }

    /** The calls recorded since the last {@code take}, which forgets them. */
    List<Object> take() {
        List<Object> out = List.copyOf(calls);
        calls.clear();
        return out;
    }
}
