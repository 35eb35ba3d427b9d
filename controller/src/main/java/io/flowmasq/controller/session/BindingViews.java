package io.flowmasq.controller.session;

import io.flowmasq.controller.nat.AlgChild;
import io.flowmasq.controller.nat.Binding;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.rest.BindingView;
import io.flowmasq.rest.ChildView;
import io.flowmasq.rest.TrafficView;
import java.time.Instant;
import java.util.List;

/** Turns a binding and its switch's last flow statistics into what the REST API shows. */
final class BindingViews {
    private BindingViews() {
    }

    static BindingView of(ManagedSwitch sw, Binding b, TrafficTable traffic, List<AlgChild> children, long now) {
        TrafficView trafficView = null;
        Long idleLeft = null;
        var t = traffic.of(b.id());
        if (t.isPresent()) {
            TrafficTable.Traffic x = t.get();
            trafficView = new TrafficView(x.packetsOut(), x.bytesOut(), x.packetsIn(), x.bytesIn(),
                    Instant.ofEpochMilli(traffic.asOf()).toString(), Math.max(0, (now - traffic.asOf()) / 1000));
            if (!b.isStatic()) {
                // the outbound flow's idle timer restarted at its last packet, at or before lastOutboundAt
                long idleSince = Math.max(x.lastOutboundAt(), b.createdAt());
                idleLeft = Math.max(0, b.spec().idleTimeout() - (now - idleSince) / 1000);
            }
        }
        return new BindingView(b.id(), sw.config().dpid().toString(), sw.config().name(), b.protocol().label(),
                b.inside().address().toString(), b.inside().port(), b.external().address().toString(),
                b.external().port(), b.spec().remote() == null ? null : b.spec().remote().toString(),
                b.state().label(), b.origin().label(), Math.max(0, (now - b.createdAt()) / 1000),
                b.spec().idleTimeout(), idleLeft, Cookies.binding(b.id()).toString(), trafficView,
                children.stream().map(c -> child(c, now)).toList());
    }

    private static ChildView child(AlgChild c, long now) {
        return new ChildView(c.kind(), "tcp", c.inside().port() == 0 ? c.inside().address() + ":*" : c.inside().toString(),
                c.external() == null ? null : c.external().toString(), c.remote(),
                c.expiresAt() < 0 ? null : Math.max(0, (c.expiresAt() - now) / 1000),
                c.bindingId() < 0 ? null : c.bindingId());
    }
}
