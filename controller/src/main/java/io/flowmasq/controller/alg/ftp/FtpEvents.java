package io.flowmasq.controller.alg.ftp;

import io.flowmasq.flowcompiler.Endpoint;
import java.util.Optional;
import java.util.OptionalInt;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * What the NAT engine is asked while {@link FtpControlRewriter} reads a control connection, once per
 * complete line, in stream order. Retransmitted lines are not asked again: they are sent exactly as
 * the first time. Which methods are called depends on the rewriter's {@link FtpControlRewriter.Role};
 * the defaults leave every line alone.
 */
public interface FtpEvents {
    /**
     * A PORT command from an inside client ({@code Role.CLIENT_TO_SERVER}). Return the public
     * endpoint to announce instead (the engine creates or reuses the expectation), or empty to leave
     * the line as it is (e.g. FTP bounce: the address is not the client's own).
     */
    default Optional<Endpoint> onPort(Endpoint announced) {
        return Optional.empty();
    }

    /** An EPRT command with an IPv4 address; as {@link #onPort}. */
    default Optional<Endpoint> onEprt(Endpoint announced) {
        return Optional.empty();
    }

    /**
     * A 227 reply from an inside server ({@code Role.SERVER_TO_CLIENT_REWRITE}): the public endpoint
     * to announce instead, or empty to leave the line.
     */
    default Optional<Endpoint> on227(Endpoint announced) {
        return Optional.empty();
    }

    /** A 229 reply from an inside server: the public port to announce instead, or empty. */
    default OptionalInt on229(int port) {
        return OptionalInt.empty();
    }

    /**
     * A 227 or 229 reply to an inside client ({@code Role.SERVER_TO_CLIENT_LEARN}): the client will
     * open a data connection to {@code address}:{@code port}. {@code address} is null for 229 (the
     * control connection's server). Nothing is rewritten.
     */
    default void onPassiveReply(IPv4Address address, int port) {
    }
}
