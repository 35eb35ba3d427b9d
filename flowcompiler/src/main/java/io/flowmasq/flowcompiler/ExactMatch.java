package io.flowmasq.flowcompiler;

import java.util.ArrayList;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFOxmList;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.types.OFValueType;

/**
 * Collects the exact fields of a binding's match and builds it once. Loxi's OpenFlow 1.3
 * {@code Match.Builder} rebuilds its whole OXM list on every {@code setExact}, so a 7-field match
 * cost 7 list builds: the largest single cost of a new binding in the load generator's profile
 * (bench/README.md). The result is the same {@link Match} (same OXM order, equal, same bytes).
 */
interface ExactMatch {
    <F extends OFValueType<F>> ExactMatch set(MatchField<F> field, F value);

    Match build();

    /**
     * OpenFlow 1.3: one OXM list, built once. The OXMs are collected in a plain list and handed to
     * {@link OFOxmList#ofList}, which orders them by field in its own EnumMap (a later value of a field
     * replaces an earlier one), as {@code OFOxmList.Builder} does: the builder would only add a second EnumMap
     * (an array over all ~100 match fields, walked again by {@code build}) per match.
     */
    static ExactMatch oxm(OFFactory factory) {
        List<OFOxm<?>> oxms = new ArrayList<>(8);
        return new ExactMatch() {
            @Override
            public <F extends OFValueType<F>> ExactMatch set(MatchField<F> field, F value) {
                oxms.add(factory.oxms().fromValue(value, field));
                return this;
            }

            @Override
            public Match build() {
                return factory.buildMatchV3().setOxmList(OFOxmList.ofList(oxms)).build();
            }
        };
    }

    /** Versions whose Loxi builder is cheap (OpenFlow 1.0: fixed fields and wildcards). */
    static ExactMatch builder(OFFactory factory) {
        Match.Builder b = factory.buildMatch();
        return new ExactMatch() {
            @Override
            public <F extends OFValueType<F>> ExactMatch set(MatchField<F> field, F value) {
                b.setExact(field, value);
                return this;
            }

            @Override
            public Match build() {
                return b.build();
            }
        };
    }
}
