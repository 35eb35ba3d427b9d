package io.flowmasq.controller.alg.ftp;

import io.flowmasq.flowcompiler.Endpoint;
import java.util.Optional;
import java.util.OptionalInt;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Parsing and rewriting of the four FTP lines that carry an IPv4 transport address: the commands
 * PORT (RFC 959 4.1.2) and EPRT (RFC 2428 2), and the replies 227 to PASV (RFC 959, with the
 * RFC 1123 4.1.2.6 scan) and 229 to EPSV (RFC 2428 3).
 *
 * <p>A line is one FTP line without its line end (a trailing CR, LF or CRLF is tolerated and kept
 * by the rewrites). Strings are byte strings: one char per byte (ISO-8859-1), as the control
 * connection is 8-bit. Pure functions, no state.
 *
 * <p>Strictness, chosen against slipstreaming and to match what servers accept:
 * <ul>
 *   <li>A command is recognised only at the very start of the line (no leading blanks) and only
 *       when followed by at least one space: {@code "XPORT ..."}, {@code "USER PORT ..."},
 *       {@code " PORT ..."} and {@code "PORT\t..."} are not PORT commands. The caller decides what a
 *       line start is (after LF in the TCP stream: in FTP a CRLF ends the command, so data after a
 *       CRLF inside, say, a file name argument is a new line to a server too).</li>
 *   <li>PORT's argument is exactly {@code h1,h2,h3,h4,p1,p2}: six decimal numbers of 1 to 3 digits,
 *       each 0..255, no blanks inside; blanks (and the line end) may follow.</li>
 *   <li>EPRT: {@code EPRT <d>1<d>a.b.c.d<d>port<d>}, the delimiter any char 33..126 but a digit,
 *       the same four times; net-prt 1 (IPv4) only, port 0..65535 of 1 to 5 digits.</li>
 *   <li>227: the code {@code 227} and a space at the line start ({@code 227-} opens a multi-line
 *       reply and is ignored); then the first place in the text where six numbers 0..255 stand
 *       separated by commas, blanks allowed around numbers and commas, parentheses optional.</li>
 *   <li>229: {@code 229} and a space at the line start, then the first {@code (<d><d><d>port<d>)}
 *       with one delimiter (33..126, not a digit).</li>
 * </ul>
 * Port 0 and any address are reported as announced; policy (bounce refusal) is the caller's.
 *
 * <p>The rewrites replace the numbers only: every other byte of the line (the reply text,
 * parentheses, spacing between the 227 numbers, the EPRT/229 delimiter, trailing blanks) stays as
 * it was. They throw {@link IllegalArgumentException} when the line does not parse.
 */
public final class FtpCommands {
    private FtpCommands() {
    }

    public static Optional<Endpoint> parsePort(String line) {
        return Optional.ofNullable(matchPort(line)).map(Sextet::endpoint);
    }

    public static Optional<Endpoint> parseEprt(String line) {
        return Optional.ofNullable(matchEprt(line)).map(EprtMatch::endpoint);
    }

    public static Optional<Endpoint> parse227(String line) {
        return Optional.ofNullable(match227(line)).map(Sextet::endpoint);
    }

    public static OptionalInt parse229(String line) {
        int[] span = match229(line);
        return span == null ? OptionalInt.empty() : OptionalInt.of(number(line, span[0], span[1]));
    }

    public static String rewritePort(String line, Endpoint to) {
        Sextet m = matchPort(line);
        if (m == null) {
            throw new IllegalArgumentException("not a PORT command: " + line);
        }
        return m.replace(line, to);
    }

    public static String rewriteEprt(String line, Endpoint to) {
        EprtMatch m = matchEprt(line);
        if (m == null) {
            throw new IllegalArgumentException("not an IPv4 EPRT command: " + line);
        }
        return line.substring(0, m.addressStart) + to.address() + line.substring(m.addressEnd, m.portStart)
                + to.port() + line.substring(m.portEnd);
    }

    public static String rewrite227(String line, Endpoint to) {
        Sextet m = match227(line);
        if (m == null) {
            throw new IllegalArgumentException("not a 227 reply: " + line);
        }
        return m.replace(line, to);
    }

    public static String rewrite229(String line, int port) {
        checkPort(port);
        int[] span = match229(line);
        if (span == null) {
            throw new IllegalArgumentException("not a 229 reply: " + line);
        }
        return line.substring(0, span[0]) + port + line.substring(span[1]);
    }

    /**
     * True when {@code line} starts with {@code word}, ASCII letters compared case-insensitively
     * (only ASCII: no other Latin-1 character folds to a letter of a command).
     */
    static boolean startsWithIgnoreCase(String line, String word) {
        if (line.length() < word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (upper(line.charAt(i)) != upper(word.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static int upper(int c) {
        return c >= 'a' && c <= 'z' ? c - 32 : c;
    }

    // ---- PORT ---------------------------------------------------------------------------------

    private static Sextet matchPort(String line) {
        int i = commandArgument(line, "PORT");
        if (i < 0) {
            return null;
        }
        Sextet m = sextet(line, i, false);
        return m != null && onlyBlanksFrom(line, m.end()) ? m : null;
    }

    /** The index after "CMD" and its spaces when the line starts with "CMD ", else -1. */
    private static int commandArgument(String line, String command) {
        int n = command.length();
        if (line.length() <= n || !startsWithIgnoreCase(line, command) || line.charAt(n) != ' ') {
            return -1;
        }
        int i = n;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i < line.length() ? i : -1;
    }

    // ---- 227 ----------------------------------------------------------------------------------

    private static Sextet match227(String line) {
        if (!line.startsWith("227 ")) {
            return null;
        }
        for (int i = 4; i < line.length(); i++) {
            if (isDigit(line.charAt(i)) && !isDigit(line.charAt(i - 1))) {
                Sextet m = sextet(line, i, true);
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }

    /**
     * Six comma-separated numbers 0..255 starting at {@code start}; with {@code blanks}, spaces may
     * surround the commas. Records where each number stands.
     */
    private static Sextet sextet(String s, int start, boolean blanks) {
        int[] starts = new int[6];
        int[] ends = new int[6];
        int[] values = new int[6];
        int i = start;
        for (int k = 0; k < 6; k++) {
            if (k > 0) {
                i = skipBlanks(s, i, blanks);
                if (i >= s.length() || s.charAt(i) != ',') {
                    return null;
                }
                i = skipBlanks(s, i + 1, blanks);
            }
            int end = digitsEnd(s, i, 3);
            if (end < 0) {
                return null;
            }
            int v = number(s, i, end);
            if (v > 255) {
                return null;
            }
            starts[k] = i;
            ends[k] = end;
            values[k] = v;
            i = end;
        }
        return new Sextet(starts, ends, values);
    }

    private static int skipBlanks(String s, int i, boolean blanks) {
        while (blanks && i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private record Sextet(int[] starts, int[] ends, int[] values) {
        int end() {
            return ends[5];
        }

        Endpoint endpoint() {
            int a = values[0] << 24 | values[1] << 16 | values[2] << 8 | values[3];
            return new Endpoint(IPv4Address.of(a), values[4] << 8 | values[5]);
        }

        String replace(String line, Endpoint to) {
            int a = to.address().getInt();
            int[] now = {a >>> 24, a >>> 16 & 0xff, a >>> 8 & 0xff, a & 0xff, to.port() >> 8, to.port() & 0xff};
            StringBuilder b = new StringBuilder(line.length() + 8);
            int at = 0;
            for (int k = 0; k < 6; k++) {
                b.append(line, at, starts[k]).append(now[k]);
                at = ends[k];
            }
            return b.append(line, at, line.length()).toString();
        }
    }

    // ---- EPRT ---------------------------------------------------------------------------------

    private record EprtMatch(Endpoint endpoint, int addressStart, int addressEnd, int portStart, int portEnd) {
    }

    private static EprtMatch matchEprt(String line) {
        int i = commandArgument(line, "EPRT");
        if (i < 0) {
            return null;
        }
        char d = line.charAt(i);
        if (!isDelimiter(d)) {
            return null;
        }
        int d1 = i;
        int d2 = line.indexOf(d, d1 + 1);
        int d3 = d2 < 0 ? -1 : line.indexOf(d, d2 + 1);
        int d4 = d3 < 0 ? -1 : line.indexOf(d, d3 + 1);
        if (d4 < 0 || !onlyBlanksFrom(line, d4 + 1) || !line.substring(d1 + 1, d2).equals("1")) {
            return null;
        }
        IPv4Address address = dottedQuad(line, d2 + 1, d3);
        int portEnd = digitsEnd(line, d3 + 1, 5);
        if (address == null || portEnd != d4) {
            return null;
        }
        int port = number(line, d3 + 1, d4);
        if (port > 65535) {
            return null;
        }
        return new EprtMatch(new Endpoint(address, port), d2 + 1, d3, d3 + 1, d4);
    }

    private static IPv4Address dottedQuad(String s, int start, int end) {
        int a = 0;
        int i = start;
        for (int k = 0; k < 4; k++) {
            if (k > 0) {
                if (i >= end || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
            int e = digitsEnd(s, i, 3);
            if (e < 0 || e > end) {
                return null;
            }
            int v = number(s, i, e);
            if (v > 255) {
                return null;
            }
            a = a << 8 | v;
            i = e;
        }
        return i == end ? IPv4Address.of(a) : null;
    }

    // ---- 229 ----------------------------------------------------------------------------------

    /** Start and end of the port digits of a 229 reply, or null. */
    private static int[] match229(String line) {
        if (!line.startsWith("229 ")) {
            return null;
        }
        for (int open = line.indexOf('(', 4); open >= 0; open = line.indexOf('(', open + 1)) {
            int i = open + 1;
            if (i + 3 >= line.length()) {
                return null;
            }
            char d = line.charAt(i);
            if (!isDelimiter(d) || line.charAt(i + 1) != d || line.charAt(i + 2) != d) {
                continue;
            }
            int start = i + 3;
            int end = digitsEnd(line, start, 5);
            if (end < 0 || end + 1 >= line.length() || line.charAt(end) != d || line.charAt(end + 1) != ')'
                    || number(line, start, end) > 65535) {
                continue;
            }
            return new int[] {start, end};
        }
        return null;
    }

    // ---- shared -------------------------------------------------------------------------------

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isDelimiter(char c) {
        return c >= 33 && c <= 126 && !isDigit(c);
    }

    /** The end of the run of 1..{@code max} digits at {@code i}, or -1 (none, or more than max). */
    private static int digitsEnd(String s, int i, int max) {
        int e = i;
        while (e < s.length() && isDigit(s.charAt(e))) {
            e++;
        }
        return e == i || e - i > max ? -1 : e;
    }

    private static int number(String s, int start, int end) {
        int v = 0;
        for (int i = start; i < end; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }

    private static boolean onlyBlanksFrom(String s, int i) {
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
