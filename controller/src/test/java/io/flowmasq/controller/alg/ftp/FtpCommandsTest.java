package io.flowmasq.controller.alg.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.Endpoint;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing and in-place rewriting of PORT, EPRT, 227 and 229 lines. */
class FtpCommandsTest {
    private static final Endpoint PUBLIC = Endpoint.of("203.0.113.1", 2021);

    private static String crlf(String line) {
        return line.replace("<CRLF>", "\r\n");
    }

    private static Optional<Endpoint> ep(String address, int port) {
        return Optional.of(Endpoint.of(address, port));
    }

    // ---- PORT ---------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "PORT 10,0,0,11,195,80; 10.0.0.11; 50000",
        "port 10,0,0,11,195,80; 10.0.0.11; 50000",
        "PoRt 192,168,1,100,0,21; 192.168.1.100; 21",
        "PORT 10,0,0,11,195,80   ; 10.0.0.11; 50000",
        "PORT 10,0,0,11,195,80<CRLF>; 10.0.0.11; 50000",
        "PORT  10,0,0,11,195,80; 10.0.0.11; 50000",
        "PORT 255,255,255,255,255,255; 255.255.255.255; 65535",
        "PORT 0,0,0,0,0,0; 0.0.0.0; 0",
        "PORT 010,000,0,011,001,002; 10.0.0.11; 258",
    })
    void parsesPort(String line, String address, int port) {
        assertEquals(ep(address, port), FtpCommands.parsePort(crlf(line)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        " PORT 10,0,0,11,195,80",          // not at the line start
        "XPORT 10,0,0,11,195,80",
        "USER PORT 10,0,0,11,195,80",      // slipstreaming: PORT inside an argument
        "NOOP PORT 10,0,0,11,195,80",
        "PORT10,0,0,11,195,80",
        "PORT\t10,0,0,11,195,80",
        "PORT",
        "PORT ",
        "PORT 10,0,0,11,195",
        "PORT 10,0,0,11,195,80,1",
        "PORT 10,0,0,11,195,256",
        "PORT 10,0,0,1111,195,80",
        "PORT 10, 0,0,11,195,80",          // RFC 959: no blanks inside the argument
        "PORT 10,0,0,11,195 ,80",
        "PORT 10,0,0,11,195,80 x",
        "PORT 10,0,0,11,195,80)",
        "PORT (10,0,0,11,195,80)",
        "PORT -1,0,0,11,195,80",
        "PORT 10,0,0,11,,80",
        "PORT a,b,c,d,e,f",
        "PORT 10.0.0.11.195.80",
        "",
    })
    void rejectsNonPort(String line) {
        assertEquals(Optional.empty(), FtpCommands.parsePort(line));
    }

    @Test
    void toleratesTrailingBlanksOnly() {
        // (CSV sources trim values, so the blanks are spelled out here.)
        assertEquals(ep("10.0.0.11", 50000), FtpCommands.parsePort("PORT 10,0,0,11,195,80   "));
        assertEquals(ep("10.0.0.11", 50000), FtpCommands.parseEprt("EPRT |1|10.0.0.11|50000|  \r\n"));
        assertEquals(Optional.empty(), FtpCommands.parsePort("PORT 10,0,0,11,195,80 \t"));
        assertEquals(Optional.empty(), FtpCommands.parsePort("   PORT 10,0,0,11,195,80"));
    }

    @Test
    void rewritesPortInPlace() {
        assertEquals("PORT 203,0,113,1,7,229", FtpCommands.rewritePort("PORT 10,0,0,11,195,80", PUBLIC));
        assertEquals("port 203,0,113,1,7,229  \r\n", FtpCommands.rewritePort("port 10,0,0,11,195,80  \r\n", PUBLIC));
        assertEquals("PORT  203,0,113,1,7,229", FtpCommands.rewritePort("PORT  10,0,0,11,195,80", PUBLIC));
        assertEquals("PORT 1,2,3,4,0,1", FtpCommands.rewritePort("PORT 192,168,100,200,255,255",
                Endpoint.of("1.2.3.4", 1)));
        assertThrows(IllegalArgumentException.class, () -> FtpCommands.rewritePort("USER PORT 1,2,3,4,5,6", PUBLIC));
    }

    // ---- EPRT ---------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "EPRT |1|132.235.1.2|6275|; 132.235.1.2; 6275",
        "eprt |1|10.0.0.11|50000|; 10.0.0.11; 50000",
        "EPRT !1!10.0.0.11!50000!; 10.0.0.11; 50000",
        "EPRT %1%10.0.0.11%0%; 10.0.0.11; 0",
        "EPRT ~1~10.0.0.11~65535~  ; 10.0.0.11; 65535",
        "EPRT |1|10.0.0.11|50000|<CRLF>; 10.0.0.11; 50000",
        "EPRT  |1|10.0.0.11|50000|; 10.0.0.11; 50000",
    })
    void parsesEprt(String line, String address, int port) {
        assertEquals(ep(address, port), FtpCommands.parseEprt(crlf(line)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "EPRT |2|1080::8:800:200C:417A|5282|", // IPv6: not ours
        "EPRT |1|10.0.0.11|50000",
        "EPRT |1|10.0.0.11!50000!",            // inconsistent delimiter
        "EPRT |1|10.0.0.11|65536|",
        "EPRT |1|10.0.0.11|123456|",
        "EPRT |1|10.0.0.256|50000|",
        "EPRT |1|10.0.0|50000|",
        "EPRT |1|10.0.0.11.1|50000|",
        "EPRT |1|10.0.0.11||",
        "EPRT |1|10.0.0.11|50000|x",
        "EPRT |1|10.0.0.11|50000||",
        "EPRT ||10.0.0.11|50000|",
        "EPRT |01|10.0.0.11|50000|",
        "EPRT 5150.0.0.115500005",             // digit delimiter
        "EPRT .1.10.0.0.11.50000.",
        " EPRT |1|10.0.0.11|50000|",
        "USER EPRT |1|10.0.0.11|50000|",
        "EPRT",
        "EPRT ",
    })
    void rejectsNonEprt(String line) {
        assertEquals(Optional.empty(), FtpCommands.parseEprt(line));
    }

    @Test
    void rewritesEprtKeepingTheDelimiter() {
        assertEquals("EPRT |1|203.0.113.1|2021|", FtpCommands.rewriteEprt("EPRT |1|10.0.0.11|50000|", PUBLIC));
        assertEquals("eprt !1!203.0.113.1!2021! \r\n", FtpCommands.rewriteEprt("eprt !1!10.0.0.11!50000! \r\n", PUBLIC));
        assertThrows(IllegalArgumentException.class,
                () -> FtpCommands.rewriteEprt("EPRT |2|::1|5282|", PUBLIC));
    }

    // ---- 227 ----------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "227 Entering Passive Mode (198,51,100,20,195,149).; 198.51.100.20; 50069",
        "227 Entering Passive Mode (198,51,100,20,195,149); 198.51.100.20; 50069",
        "227 Entering Passive Mode ( 10, 0,0,11 , 195,149 ); 10.0.0.11; 50069",
        "227 Entering Passive Mode 198,51,100,20,195,149; 198.51.100.20; 50069",
        "227 =198,51,100,20,195,149; 198.51.100.20; 50069",
        "227 198,51,100,20,195,149; 198.51.100.20; 50069",
        "227 Entering Passive Mode (v4) (10,0,0,12,4,1); 10.0.0.12; 1025",
        "227 Passive 1 2 (10,0,0,12,4,1); 10.0.0.12; 1025",
        "227 OK (10,0,0,12,4,1,7); 10.0.0.12; 1025",
        "227 Entering Passive Mode (198,51,100,20,195,149).<CRLF>; 198.51.100.20; 50069",
    })
    void parses227(String line, String address, int port) {
        assertEquals(ep(address, port), FtpCommands.parse227(crlf(line)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "227-Entering Passive Mode (198,51,100,20,195,149)", // continuation line of a multi-line reply
        "227Entering Passive Mode (198,51,100,20,195,149)",
        " 227 Entering Passive Mode (198,51,100,20,195,149)",
        "200 Entering Passive Mode (198,51,100,20,195,149)",
        "227 Entering Passive Mode (198,51,100,20,195)",
        "227 Entering Passive Mode (198,51,100,20,195,1490)",
        "227 Entering Passive Mode (198,51,100,256,195,149)",
        "227 Entering Passive Mode (198;51;100;20;195;149)",
        "227 Entering Passive Mode",
        "227 ",
        "2270 (198,51,100,20,195,149)",
    })
    void rejectsNon227(String line) {
        assertEquals(Optional.empty(), FtpCommands.parse227(line));
    }

    @Test
    void rewrites227KeepingTextAndSpacing() {
        assertEquals("227 Entering Passive Mode (203,0,113,1,7,229).",
                FtpCommands.rewrite227("227 Entering Passive Mode (10,0,0,12,195,149).", PUBLIC));
        assertEquals("227 Entering Passive Mode ( 203, 0,113,1 , 7,229 )\r\n",
                FtpCommands.rewrite227("227 Entering Passive Mode ( 10, 0,0,11 , 195,149 )\r\n", PUBLIC));
        assertEquals("227 Entering Passive Mode 203,0,113,1,7,229",
                FtpCommands.rewrite227("227 Entering Passive Mode 10,0,0,12,195,149", PUBLIC));
        assertEquals("227 Entering Passive Mode (v4) (203,0,113,1,7,229)",
                FtpCommands.rewrite227("227 Entering Passive Mode (v4) (10,0,0,12,4,1)", PUBLIC));
        assertThrows(IllegalArgumentException.class,
                () -> FtpCommands.rewrite227("227-Entering Passive Mode (10,0,0,12,4,1)", PUBLIC));
    }

    // ---- 229 ----------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "229 Entering Extended Passive Mode (|||6446|); 6446",
        "229 Entering Extended Passive Mode (|||50005|)<CRLF>; 50005",
        "229 Entering Extended Passive Mode (!!!50005!); 50005",
        "229 Entering Extended Passive Mode (###1#).; 1",
        "229 EPSV ok (x) (|||65535|); 65535",
        "229 (|||0|); 0",
    })
    void parses229(String line, int port) {
        assertEquals(OptionalInt.of(port), FtpCommands.parse229(crlf(line)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "229-Entering Extended Passive Mode (|||6446|)",
        "229 Entering Extended Passive Mode (|||65536|)",
        "229 Entering Extended Passive Mode (|||6446!)",
        "229 Entering Extended Passive Mode (||6446|)",
        "229 Entering Extended Passive Mode (|||6446|",
        "229 Entering Extended Passive Mode (|||644600|)",
        "229 Entering Extended Passive Mode (|||)",
        "229 Entering Extended Passive Mode (111644601)",
        "229 Entering Extended Passive Mode |||6446|",
        "229 Entering Extended Passive Mode (|1|10.0.0.1|6446|)",
        " 229 Entering Extended Passive Mode (|||6446|)",
        "229 (",
    })
    void rejectsNon229(String line) {
        assertEquals(OptionalInt.empty(), FtpCommands.parse229(line));
    }

    @Test
    void rewrites229KeepingTheDelimiter() {
        assertEquals("229 Entering Extended Passive Mode (|||2021|)",
                FtpCommands.rewrite229("229 Entering Extended Passive Mode (|||50005|)", 2021));
        assertEquals("229 Entering Extended Passive Mode (!!!65535!).\r\n",
                FtpCommands.rewrite229("229 Entering Extended Passive Mode (!!!1!).\r\n", 65535));
        assertThrows(IllegalArgumentException.class, () -> FtpCommands.rewrite229("229 (|||1|)", 65536));
        assertThrows(IllegalArgumentException.class, () -> FtpCommands.rewrite229("229-(|||1|)", 1));
    }

    @Test
    void rewritesRoundTrip() {
        for (String line : new String[] {"PORT 10,0,0,11,195,80", "227 Entering Passive Mode (10,0,0,12,195,149)."}) {
            Endpoint to = Endpoint.of("198.51.100.200", 65000);
            String out = line.startsWith("PORT") ? FtpCommands.rewritePort(line, to) : FtpCommands.rewrite227(line, to);
            Optional<Endpoint> back = line.startsWith("PORT") ? FtpCommands.parsePort(out) : FtpCommands.parse227(out);
            assertEquals(Optional.of(to), back);
        }
        assertEquals(ep("198.51.100.200", 1), FtpCommands.parseEprt(
                FtpCommands.rewriteEprt("EPRT |1|10.0.0.11|50000|", Endpoint.of("198.51.100.200", 1))));
        assertTrue(FtpCommands.parse229(FtpCommands.rewrite229("229 (|||1|)", 2)).isPresent());
    }

    @Test
    void caseFoldingIsAsciiOnly() {
        // Latin-1 characters never fold into the letters of a command.
        assertEquals(Optional.empty(), FtpCommands.parsePort("P\u00d2RT 10,0,0,11,195,80"));
        assertTrue(FtpCommands.startsWithIgnoreCase("pOrT ", "PORT "));
    }
}
