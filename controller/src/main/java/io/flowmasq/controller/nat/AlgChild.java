package io.flowmasq.controller.nat;

import io.flowmasq.flowcompiler.Endpoint;

/**
 * State an application-level gateway keeps under a control connection's binding, as operators see it:
 * an expected data connection not yet made, or the data binding it became.
 *
 * @param kind           "ftp-data-expectation" or "ftp-data"
 * @param inside         the inside data endpoint ("10.0.0.11:40001"; port 0 when the inside port is unknown)
 * @param external       the public data endpoint, or null when the switch will pick it (passive mode)
 * @param remote         who may (or will) connect: "198.51.100.20:*" or "198.51.100.20:50005"
 * @param expiresAt      when an expectation lapses (ms, engine clock); -1 for a data binding
 * @param bindingId      the binding carrying it; -1 while none exists (passive expectation)
 */
public record AlgChild(String kind, Endpoint inside, Endpoint external, String remote, long expiresAt,
                       long bindingId) {
}
