package io.flowmasq.rest;

import io.netty.util.NetUtil;

/**
 * IPv4 literals and {@code address:port} pairs as the API accepts them, in one canonical spelling (so
 * {@code 10.0.0.01} finds {@code 10.0.0.1}). Never resolves names: that could block the event loop.
 */
final class Ipv4 {
    /** An IPv4 address in dotted-quad form and a port (1-65535). */
    record HostPort(String address, int port) {
    }

    private Ipv4() {
    }

    /** The canonical address, or a 400 naming {@code field}. */
    static String address(String text, String field) {
        String canonical = canonical(text);
        if (canonical == null) {
            throw ApiException.badParameter(field, "'" + field + "' must be an IPv4 address, got '" + text + "'");
        }
        return canonical;
    }

    /** {@code 203.0.113.1:2222}, or a 400 naming {@code field}. */
    static HostPort hostPort(String text, String field) {
        int colon = text.lastIndexOf(':');
        String address = colon < 0 ? null : canonical(text.substring(0, colon));
        int port = colon < 0 ? -1 : port(text.substring(colon + 1));
        if (address == null || port < 0) {
            throw ApiException.badParameter(field, "'" + field + "' must be an IPv4 address and a port 1-65535,"
                    + " like 203.0.113.1:2222, got '" + text + "'");
        }
        return new HostPort(address, port);
    }

    /** The port 1-65535 written in decimal, or -1. */
    static int port(String text) {
        if (!text.matches("[0-9]{1,5}")) {
            return -1;
        }
        int port = Integer.parseInt(text);
        return port >= 1 && port <= 65535 ? port : -1;
    }

    private static String canonical(String text) {
        if (text == null || !NetUtil.isValidIpV4Address(text)) {
            return null;
        }
        return NetUtil.bytesToIpAddress(NetUtil.createByteArrayFromIpAddressString(text));
    }
}
