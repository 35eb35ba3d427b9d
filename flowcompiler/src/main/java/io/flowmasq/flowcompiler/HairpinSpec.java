package io.flowmasq.flowcompiler;

import java.util.Objects;

/**
 * Hairpinning (RFC 4787 REQ-9, RFC 5382 REQ-8): an inside sender reaching another inside host
 * through that host's public endpoint. Both directions run on the switch; each host sees the
 * other's external endpoint, as it would from outside.
 *
 * @param id          the hairpin's own id (cookie kind "hairpin")
 * @param sender      the sender's binding: its inside endpoint, its external endpoint, and its L2 hop
 * @param target      the target's binding, whose external endpoint the sender addressed
 */
public record HairpinSpec(long id, BindingSpec sender, BindingSpec target) {
    public HairpinSpec {
        if (id < 1 || id > Cookies.MAX_BINDING_ID) {
            throw new IllegalArgumentException("hairpin id out of range: " + id);
        }
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(target, "target");
        if (sender.protocol() != target.protocol()) {
            throw new IllegalArgumentException("hairpin between " + sender.protocol() + " and " + target.protocol());
        }
    }

    public Protocol protocol() {
        return sender.protocol();
    }
}
