package dev.sluice.event;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpLiteralTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "203.0.113.7", "255.255.255.255", "10.0.0.1", "::", "::1", "1::",
            "2001:db8::1", "2001:DB8:0:0:8:800:200C:417A", "fe80::1:2:3:4:5:6", "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "::ffff:203.0.113.7", "64:ff9b::192.0.2.33",
            "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4"})
    void acceptsAddressLiterals(String ip) {
        assertTrue(IpLiteral.isValid(ip), ip);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "localhost", "shop.example", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-1",
            "01.2.3.4", "1.2.3.04", "1..2.3", ".1.2.3", "1.2.3.4.", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4/24",
            "0x7f.0.0.1", "2130706433", "١.٢.٣.٤", "1.2.3.4:80", "[::1]", "::1%eth0", "fe80::1%25en0", ":",
            ":::", "1:::2", "1::2::3", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7::8", "12345::1", "g::1", "::ffff:1.2.3", "1.2.3.4::", "::1.2.3.4:1",
            "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6::1.2.3.4", "１::1", "::ffff:01.2.3.4"})
    void rejectsEverythingElse(String ip) {
        assertFalse(IpLiteral.isValid(ip), ip);
    }
}
