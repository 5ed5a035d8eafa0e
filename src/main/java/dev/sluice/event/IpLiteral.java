package dev.sluice.event;

/**
 * Strict syntax check for IP address literals, without any name resolution. IPv4 is dotted-quad
 * decimal without leading zeros (which some parsers read as octal); IPv6 is RFC 4291 text form
 * with at most one {@code ::} and an optional trailing IPv4 part, without zone id or brackets.
 */
final class IpLiteral {

    private IpLiteral() {
    }

    static boolean isValid(String text) {
        return text.indexOf(':') >= 0 ? isIpv6(text) : isIpv4(text, 0, text.length());
    }

    static boolean isIpv4(String text, int from, int to) {
        int parts = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || text.charAt(i) == '.') {
                if (!isOctet(text, start, i) || ++parts > 4) {
                    return false;
                }
                start = i + 1;
            }
        }
        return parts == 4;
    }

    private static boolean isOctet(String text, int from, int to) {
        int length = to - from;
        if (length < 1 || length > 3 || (length > 1 && text.charAt(from) == '0')) {
            return false;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255;
    }

    static boolean isIpv6(String text) {
        int length = text.length();
        if (length < 2 || length > 45) {
            return false;
        }
        int compression = text.indexOf("::");
        if (compression >= 0 && text.indexOf("::", compression + 1) >= 0) {
            return false;
        }
        // A single colon may not start or end the address; "::" may.
        if ((text.charAt(0) == ':' && compression != 0)
                || (text.charAt(length - 1) == ':' && compression != length - 2)) {
            return false;
        }
        int groups = 0;
        int start = 0;
        for (int i = 0; i <= length; i++) {
            if (i < length && text.charAt(i) != ':') {
                continue;
            }
            int groupLength = i - start;
            if (groupLength == 0) {
                // Empty groups only arise around the one "::", which counts separately below.
                start = i + 1;
                continue;
            }
            if (i == length && text.lastIndexOf('.') > start) {
                // Trailing embedded IPv4 counts as two groups.
                if (!isIpv4(text, start, length)) {
                    return false;
                }
                groups += 2;
            } else if (groupLength > 4 || !isHex(text, start, i)) {
                return false;
            } else {
                groups++;
            }
            start = i + 1;
        }
        return compression >= 0 ? groups <= 7 : groups == 8;
    }

    private static boolean isHex(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            // Not Character.digit: it also accepts non-ASCII digits such as fullwidth ones.
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }
}
