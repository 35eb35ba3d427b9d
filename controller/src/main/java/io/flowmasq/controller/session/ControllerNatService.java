package io.flowmasq.controller.session;

import io.flowmasq.controller.nat.Binding;
import io.flowmasq.controller.nat.NatEngine;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.rest.BindingView;
import io.flowmasq.rest.NatService;
import io.flowmasq.rest.SwitchView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** The controller's answers to the REST API: snapshots of sessions, bindings and counters. */
public final class ControllerNatService implements NatService {
    private final SwitchSessions sessions;
    private final Supplier<Map<String, Long>> counters;
    private final LongSupplier clock;

    public ControllerNatService(SwitchSessions sessions, Supplier<Map<String, Long>> counters, LongSupplier clock) {
        this.sessions = sessions;
        this.counters = counters;
        this.clock = clock;
    }

    @Override
    public List<BindingView> bindings() {
        long now = clock.getAsLong();
        List<BindingView> out = new ArrayList<>();
        for (SwitchSession s : sessions.sessions()) {
            if (s.engine().isEmpty()) {
                continue;
            }
            String dpid = s.connection().dpid().toString();
            for (Binding b : s.engine().get().bindings().all()) {
                out.add(new BindingView(b.id(), dpid, b.protocol().label(), b.inside().address().toString(),
                        b.inside().port(), b.external().address().toString(), b.external().port(), b.state().label(),
                        Math.max(0, (now - b.createdAt()) / 1000), b.spec().idleTimeout(),
                        Cookies.binding(b.id()).toString(),
                        b.spec().remote() == null ? null : b.spec().remote().toString()));
            }
        }
        out.sort(Comparator.comparing(BindingView::dpid).thenComparingLong(BindingView::id));
        return out;
    }

    @Override
    public List<SwitchView> switches() {
        List<SwitchView> out = new ArrayList<>();
        for (SwitchSession s : sessions.sessions()) {
            int bindings = s.engine().map(NatEngine::bindings).map(t -> t.size()).orElse(0);
            out.add(new SwitchView(s.connection().dpid().toString(),
                    s.config().map(c -> c.name()).orElse(""),
                    s.connection().factory().getVersion().toString(),
                    String.valueOf(s.connection().remoteAddress()),
                    s.connection().connectedSince().toString(),
                    s.config().isPresent() && s.connected(), bindings));
        }
        out.sort(Comparator.comparing(SwitchView::dpid));
        return out;
    }

    @Override
    public Map<String, Long> counters() {
        return counters.get();
    }

    @Override
    public boolean ready() {
        return sessions.sessions().stream().anyMatch(s -> s.connected() && s.config().isPresent());
    }
}
