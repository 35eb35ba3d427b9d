package io.flowmasq.flowcompiler.rules;

/** An inclusive span of transport ports; {@link #ANY} (0-65535) when a rule names none. */
public record PortSpan(int first, int last) {
    public static final PortSpan ANY = new PortSpan(0, 65535);

    public PortSpan {
        if (first < 0 || last > 65535 || first > last) {
            throw new IllegalArgumentException("port span must be 0 <= first <= last <= 65535: " + first + "-" + last);
        }
    }

    public static PortSpan of(int port) {
        return new PortSpan(port, port);
    }

    public boolean isAny() {
        return first == 0 && last == 65535;
    }

    public int size() {
        return last - first + 1;
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    public boolean covers(PortSpan other) {
        return first <= other.first && other.last <= last;
    }

    public boolean overlaps(PortSpan other) {
        return first <= other.last && other.first <= last;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
