package io.flowmasq.controller.alg.ftp;

import io.flowmasq.flowcompiler.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The engine's side for the tests: records every call; PORT/EPRT from the inside client's own
 * address (10.0.0.11, or 192.168.100.200 for shrinking rewrites) get the public address and the
 * same port, anything else is refused (bounce); 227/229 from an inside server get 203.0.113.1.
 */
final class RecordingEvents implements FtpEvents {
    static final IPv4Address CLIENT = IPv4Address.of("10.0.0.11");
    static final IPv4Address LONG_CLIENT = IPv4Address.of("192.168.100.200");
    static final IPv4Address PUBLIC = IPv4Address.of("203.0.113.1");
    static final IPv4Address SHORT_PUBLIC = IPv4Address.of("1.2.3.4");

    final List<String> calls = new ArrayList<>();
    Function<Endpoint, Optional<Endpoint>> active = RecordingEvents::ownAddressOnly;
    Function<Endpoint, Optional<Endpoint>> passive = e -> Optional.of(new Endpoint(PUBLIC, e.port()));
    IntFunction<OptionalInt> extendedPassive = OptionalInt::of;

    static Optional<Endpoint> ownAddressOnly(Endpoint e) {
        if (e.address().equals(CLIENT)) {
            return Optional.of(new Endpoint(PUBLIC, e.port()));
        }
        if (e.address().equals(LONG_CLIENT)) {
            return Optional.of(new Endpoint(SHORT_PUBLIC, e.port()));
        }
        return Optional.empty();
    }

    @Override
    public Optional<Endpoint> onPort(Endpoint announced) {
        calls.add("PORT " + announced);
        return active.apply(announced);
    }

    @Override
    public Optional<Endpoint> onEprt(Endpoint announced) {
        calls.add("EPRT " + announced);
        return active.apply(announced);
    }

    @Override
    public Optional<Endpoint> on227(Endpoint announced) {
        calls.add("227 " + announced);
        return passive.apply(announced);
    }

    @Override
    public OptionalInt on229(int port) {
        calls.add("229 " + port);
        return extendedPassive.apply(port);
    }

    @Override
    public void onPassiveReply(IPv4Address address, int port) {
        calls.add("passive " + address + ":" + port);
    }
}
