package io.flowmasq.controller.config;

/** Inclusive range of public L4 ports the NAPT allocator may hand out. */
public record PortRange(int first, int last) {
    public static final PortRange DEFAULT = new PortRange(1024, 65535);

    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("bad port range " + first + "-" + last);
        }
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    public int size() {
        return last - first + 1;
    }
}
