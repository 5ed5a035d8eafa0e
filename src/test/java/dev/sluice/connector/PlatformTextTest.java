package dev.sluice.connector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The shared scrubber of platform text (review 4, finding 1): values a platform may echo never
 * survive, in any of the forms below, and the platforms' own messages keep their words.
 */
class PlatformTextTest {

    /**
     * {@code message | needles}: none of the {@code ;}-separated needles (the value, and the parts
     * of it that would still identify someone) may be in the scrubbed text.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # The reviewer's examples (review 4, finding 1).
            `Invalid parameter: client_ip_address 2001:db8:cafe::17 is not valid; client_user_agent CanaryAgent/9.87 (Zorblaxbrowser) rejected for user Zorblaxina Quimbyweth` | 2001;db8;cafe;::17;CanaryAgent;9.87;Zorblaxbrowser;Zorblaxina;Quimbyweth
            `invalid ip 2001:db8:cafe::17, user agent Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 ...` | 2001;cafe;Mozilla;5.0;X11;Linux;x86_64;Chrome;120
            # IPv6 in every form, and IPv4.
            `ip ::1 refused`                                   | ::1
            `ip [::1]: refused`                                | ::1
            `ip fe80::1%eth0 refused`                          | fe80;eth0;::1
            `ip ::ffff:10.0.0.1 refused`                       | ffff;10.0.0.1
            `ip ::ffff:a00:1 refused`                          | ffff;a00
            `ip 2001:0db8:0000:0000:0000:ff00:0042:8329 refused` | 2001;0db8;8329
            `ip 2001:db8::1.`                                  | 2001;db8
            `ip (2001:db8::ff00:42:8329).`                     | 2001;8329
            `client_ip_address=2001:db8::1`                    | 2001;db8
            `ip 203.0.113.7, from 10.0.0.1:8080`               | 203.0.113.7;10.0.0.1;8080;203
            `ip 203.0.113.7.`                                  | 203
            # User agents.
            `ua Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36` | Mozilla;Windows;NT;10.0;Win64;x64;AppleWebKit;537;KHTML;Gecko;Chrome;Safari
            `ua Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) Version/17.2 Mobile/15E148` | iPhone;CPU;OS;17_2;Mac;Version;Mobile;15E148
            `user_agent curl/8.5.0 rejected`                   | curl/8;8.5.0
            `user agent CanaryAgent/9.87 (Zorblaxbrowser)`     | CanaryAgent;9.87;Zorblaxbrowser
            `user agent Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/UQ1A.240105.004)` | Dalvik;2.1.0;Android;UQ1A;240105
            # URLs with query strings.
            `event_source_url https://shop.example/checkout?o=10023&email=jane%40example.com invalid` | shop.example;checkout;10023;jane;example.com
            `url http://127.0.0.1:8080/x?y=1 rejected`         | 127.0.0.1;8080;y=1
            `page shop.example/cart?id=77 refused`             | shop.example;cart;77
            `see www.zorblax-shop.example for details`         | zorblax;shop.example
            # E-mail addresses, odd ones too.
            `invalid email jane.doe@example.com`               | jane.doe;example.com;@
            `invalid email a+b@c.example`                      | a+b;c.example;@
            `invalid email "Jane Doe"@example.com`             | Jane;Doe;example.com
            `invalid email <zorblax.quimby+tag@canary-mail.example>` | zorblax;quimby;canary;@
            `invalid email zorblax(at)canary-mail.example`      | zorblax;canary
            `invalid email Zorblax.Quimby+Tag@Canary-Mail.example.` | Zorblax;Quimby;Canary;@
            # Phone numbers.
            `invalid phone +1 (555) 010-0199`                  | 555;010;0199
            `invalid phone 555 010 0199`                       | 555;010;0199
            `invalid phone 555-010-0199`                       | 555;0199
            `invalid phone 555.010.0199`                       | 555;0199
            `invalid phone +44 20 7946 0958`                   | 7946;0958;+44
            `invalid phone +4915112345678`                     | 49151;12345678
            `invalid phone 0049 151 1234 5678`                 | 0049;1234;5678
            `invalid ph 15550100199`                           | 15550100199
            # Names, cities and zips inside a sentence.
            `rejected for user Zorblaxina Quimbyweth`          | Zorblaxina;Quimbyweth
            `rejected for user Zorblaxina Quimbyweth.`         | Zorblaxina;Quimbyweth
            `name (Zorblaxina) Quimbyweth is invalid`          | Zorblaxina;Quimbyweth
            `for user 12 Zorblaxina Quimbyweth`                | Zorblaxina;Quimbyweth
            `rejected (#100) for: Zorblaxina Quimbyweth`        | Quimbyweth
            `user ZORBLAXINA QUIMBYWETH rejected`              | ZORBLAXINA;QUIMBYWETH
            `name McQuimby O'Zorblax invalid`                  | McQuimby;Zorblax
            `city Zorbville, zip 94105 invalid`                | Zorbville;94105
            `zip SW1A 1AA invalid`                             | SW1A;1AA
            `dob 1990-04-17 invalid`                           | 1990;04-17
            # Hashes, base64 and click ids, ids and tokens.
            `Invalid em 86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d` | 86e0b9e5
            `token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc rejected` | eyJhbGci;eyJzdWIi
            `token eyJhbGci rejected`                          | eyJhbGci
            `token QWxhZGRpbjpvcGVuIHNlc2FtZQ== rejected`      | QWxhZGRpbjpv
            `token dGVzdA rejected`                            | dGVzdA
            `fbc fb.1.1596403881668.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMs invalid` | fb.1;1596403881668;IwAR2F4
            `fbp fb.1.1596403881668.1116446470 invalid`        | fb.1;1116446470
            `gclid Cj0KCQiA-train invalid`                     | Cj0KCQiA
            `gclid CanaryGclidQzx987 invalid`                  | CanaryGclidQzx987
            `ttclid E.C.P.v3gBAAAAAA invalid`                  | v3gBAAAAAA
            `ScCid 2d8ff6a0-61f2-4a7b-9b2e-9b3c7c0c0b5e invalid` | 2d8ff6a0;9b3c7c0c0b5e
            `epik dj0yJnU9 invalid`                            | dj0yJnU9
            `_ga GA1.1.1234567890.1700000000 invalid`          | GA1;1234567890;1700000000
            `pixel a2_pixel42 and pixel 1234567890 rejected`   | a2_pixel42;1234567890
            `external_id cust_12345 rejected`                  | cust_12345;12345
            `order 2024-000123 rejected`                       | 000123
            # Quoted values and JSON fragments.
            `Invalid value 'jane.doe@example.com' and '203.0.113.7' for user` | jane.doe;203.0.113.7
            `value 'Jane Doe' for "user_data.em[0]"`           | Jane;Doe
            `value "zorblaxina" not allowed`                   | zorblaxina
            `value 'unknown value with spaces' refused`        | unknown value with spaces
            `body {"email":"jane@example.com","ip":"2001:db8::1"} refused` | jane;2001;example.com
            `body {"user":{"fn":"Zorblaxina"}} refused`        | Zorblaxina
            `field user.email='zorblax@example.com'`           | zorblax;example.com
            `param ip=203.0.113.7&ua=Mozilla%2F5.0`            | 203.0.113.7;Mozilla
            # A value made of markers Sluice itself uses.
            `value \uE0000\uE000 refused`                      | \uE000
            """)
    void values_neverSurvive(String message, String needles) {
        String scrubbed = PlatformText.scrub(message);
        for (String needle : needles.split(";")) {
            assertThat(message + " -> " + scrubbed, scrubbed, not(containsString(needle.strip())));
        }
    }

    /** Messages copied from the connectors' tests, as the platforms word them: kept as they are. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # Meta
            `(#4) Application request limit reached` |
            `Error validating access token: The session has been invalidated.` |
            `Invalid parameter` |
            `Invalid OAuth access token` |
            `OAuthException` |
            `GraphMethodException` |
            `Param client_ip_address must be a valid IPv4 or IPv6 address` |
            `(#100) The parameter user_data.client_user_agent is required` |
            # TikTok
            `Access token is incorrect or has been revoked.` |
            `No permission` |
            `Too many requests` |
            `System error` |
            `Invalid parameters: event_time` |
            # Pinterest
            `event_time is too far in the past.` |
            `Additional properties are not allowed ('category_name' was unexpected)` |
            `Invalid request: Additional properties are not allowed ('category_name' was unexpected)` |
            `Authentication failed.` |
            `Ad account not found.` |
            # Reddit
            `There were 12 invalid conversion events.` |
            `Too many requests/events within timeframe.` |
            `You're not authorized to post conversions to Pixel ID a2_pixel42.` | `You're not authorized to post conversions to Pixel ID <redacted>.`
            `Your user agent was automatically ratelimited.` |
            `JSON error "unknown field" on field "test_id"` | `JSON error '<redacted>' on field "test_id"`
            `Missing adsconversions scope to post conversions to Pixel.` |
            # Snapchat
            `At least one of the events is invalid.` |
            `Missing price and/or currency in Purchase events` |
            `Unhashed PII` |
            `Timestamp invalid or out of range` |
            `user_data.em must be hashed` |
            `INVALID` |
            `UNAUTHORIZED` |
            `Service Unavailable` |
            `Internal Server Error` |
            `Too Many Requests` |
            # LinkedIn (its quoted field names are the connector's own, see LinkedinResponsesTest)
            `/conversionValue/amount :: field is required but not found and has no default value` |
            `/user/userIds/0/idValue :: invalid hashed email '<redacted>'` |
            `Conversion's method should be CONVERSIONS_API, indices [0] (0-indexed)` |
            `Resource level throttle APPLICATION DAY limit for calls to this resource is reached.` |
            `The token used in the request has been revoked by the user` |
            `Requested version 202301 is not active` | `Requested version <redacted> is not active`
            # Meta's Graph test message with a value in it
            `Invalid value in data[0].user.email 86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d` | `Invalid value in data[0].user.email <redacted>`
            `Unsupported post request. Object with ID '1234567890' does not exist` | `Unsupported post request. Object with ID '<redacted>' does not exist`
            """)
    void platformMessages_keepTheirWords(String message, String expected) {
        assertEquals(expected == null ? message : expected, PlatformText.scrub(message));
    }

    @Test
    void whitespaceIsCollapsed_andNothingIsLeftEmpty() {
        assertEquals("There were 12 invalid conversion events.", PlatformText.scrub(" There  were 12\ninvalid conversion\tevents. "));
        assertEquals("", PlatformText.scrub("   "));
    }

    @Test
    void quotedNames_areKeptOnlyWhenFieldsOrTheConnectorsOwn() {
        assertEquals("'idValue' of \"elements\"", PlatformText.scrub("'idValue' of \"elements\"", Set.of("idValue", "elements")));
        assertEquals("'<redacted>' of '<redacted>'", PlatformText.scrub("'idValue' of \"elements\""));
    }

    @Test
    void capitalisedWords_startingASentence_areKept_insideOne_onlyWhenKnown() {
        assertEquals("Invalid request. Object with ID <redacted> refused: Please retry",
                PlatformText.scrub("Invalid request. Object with ID Zorblaxina refused: Please retry"));
        // After a redacted token no sentence starts: the redaction may have swallowed its end.
        assertEquals("from <redacted>. <redacted>", PlatformText.scrub("from 203.0.113.7. Zorblaxina"));
    }

    @Test
    void truncate_cutsWithAnEllipsis() {
        assertEquals("abc…", PlatformText.truncate("abcdef", 3));
        assertEquals("abc", PlatformText.truncate("abc", 3));
    }
}
