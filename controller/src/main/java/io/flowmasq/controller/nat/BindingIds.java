package io.flowmasq.controller.nat;

import io.flowmasq.flowcompiler.Cookies;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out binding ids, shared by the engines of all switches so that an id names one binding
 * controller-wide (the REST API addresses bindings by id alone). Ids live in the flows' cookies.
 */
public final class BindingIds {
    private final AtomicLong last = new AtomicLong();

    public long next() {
        long id = last.incrementAndGet();
        if (id > Cookies.MAX_BINDING_ID) {
            throw new IllegalStateException("binding ids exhausted");
        }
        return id;
    }

    /** Makes sure later ids are above {@code id} (an id found in a switch's flows). */
    public void advancePast(long id) {
        last.accumulateAndGet(id, Math::max);
    }
}
