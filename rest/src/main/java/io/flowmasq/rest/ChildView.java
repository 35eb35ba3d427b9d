package io.flowmasq.rest;

/**
 * State that belongs to a binding, such as the data connection an FTP control connection announced.
 *
 * @param kind          e.g. "ftp-data-expectation" or "ftp-data"
 * @param protocol      "tcp"
 * @param inside        "10.0.0.11:40001"
 * @param publicEndpoint "203.0.113.1:40001"
 * @param remote        who may connect ("198.51.100.20:*"), or null
 * @param expiresInSeconds for an expectation, seconds before it lapses; null otherwise
 * @param bindingId     the binding this became, once the connection was made; null before
 */
public record ChildView(String kind, String protocol, String inside, String publicEndpoint, String remote,
                        Long expiresInSeconds, Long bindingId) {
}
