package io.flowmasq.controller.config;

import java.util.HashMap;
import java.util.Map;

/** Remembers where each value was first used, so that a second use can name the first. */
final class Claims<K> {
    private final Map<K, String> owners = new HashMap<>();

    /** Records {@code owner} for {@code key} if it is new; otherwise returns the earlier owner. */
    String claim(K key, String owner) {
        return owners.putIfAbsent(key, owner);
    }

    /** Claims {@code key} for the node's path, reporting {@code <value> is also used by <earlier>} on a clash. */
    boolean claim(K key, ConfigNode node) {
        String earlier = claim(key, node.path());
        if (earlier != null) {
            node.error(node.json() + " is also used by " + earlier);
        }
        return earlier == null;
    }
}
