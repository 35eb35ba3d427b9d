package io.flowmasq.rest;

import java.io.IOException;
import java.io.OutputStream;

/** Writes the Prometheus exposition served at {@code /metrics}; the controller implements it. */
public interface MetricsExposition {
    /** The Content-Type of what {@link #writeTo} writes (text format 0.0.4, or OpenMetrics). */
    String contentType(String acceptHeader);

    void writeTo(OutputStream out, String acceptHeader) throws IOException;
}
