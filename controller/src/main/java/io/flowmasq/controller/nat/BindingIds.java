package io.flowmasq.controller.nat;

import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.rules.RuleCookies;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out binding ids, shared by the engines of all switches so that an id names one binding
 * controller-wide (the REST API addresses bindings by id alone). Ids live in the flows' cookies.
 */
public final class BindingIds {
    private final AtomicLong last = new AtomicLong();

    public long next() {
        long id = last.incrementAndGet();
        if (RuleCookies.isForwardId(id)) { // 2^47 bindings: the forwards' block starts there
            throw new IllegalStateException("binding ids exhausted");
        }
        if (id > Cookies.MAX_BINDING_ID) {
            throw new IllegalStateException("binding ids exhausted");
        }
        return id;
    }

    /**
     * Makes sure later ids are above {@code id} (an id found in a switch's flows). A port forward's id comes
     * from its rule's own block above the counter's range ({@link RuleCookies#forwardId}) and is not counted.
     */
    public void advancePast(long id) {
        if (RuleCookies.isForwardId(id)) {
            return;
        }
        last.accumulateAndGet(id, Math::max);
    }
}
