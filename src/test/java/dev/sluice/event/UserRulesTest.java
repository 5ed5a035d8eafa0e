package dev.sluice.event;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static dev.sluice.event.Outcomes.codes;
import static dev.sluice.event.Rules.accept;
import static dev.sluice.event.Rules.reject;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Rules for {@code user} and its click ids. */
class UserRulesTest {

    private static final List<String> PERSONAL = List.of("email", "phone", "first_name", "last_name",
            "date_of_birth", "gender", "city", "state", "zip", "country", "external_id");

    static Stream<Arguments> rejected() {
        Stream<Arguments> personal = PERSONAL.stream().flatMap(field -> Stream.of(
                reject(field + " a boolean", e -> e.set("/user/" + field, true), "/user/" + field + " invalid_type"),
                reject(field + " an array", e -> e.set("/user/" + field, List.of("a")), "/user/" + field + " invalid_type"),
                reject(field + " over 256", e -> e.set("/user/" + field, "a".repeat(257)), "/user/" + field + " too_long")));
        Stream<Arguments> others = Stream.of(
                reject("user_agent over 1024", e -> e.set("/user/user_agent", "M".repeat(1025)), "/user/user_agent too_long"),
                reject("user_agent a number", e -> e.set("/user/user_agent", 5), "/user/user_agent invalid_type"),
                reject("phone a negative number", e -> e.set("/user/phone", -16505551212L), "/user/phone invalid_type"),
                reject("phone a decimal number", e -> e.setRaw("/user/phone", "6505551212.0"), "/user/phone invalid_type"),
                reject("client_ip a host name", e -> e.set("/user/client_ip", "localhost"), "/user/client_ip invalid_format"),
                reject("client_ip with a port", e -> e.set("/user/client_ip", "203.0.113.7:443"), "/user/client_ip invalid_format"),
                reject("client_ip a number", e -> e.set("/user/client_ip", 3405803783L), "/user/client_ip invalid_type"),

                reject("click_ids not an object", e -> e.set("/user/click_ids", "fb.1.1764324900000.abc"), "/user/click_ids invalid_type"),
                reject("fbc upper-cased prefix", e -> e.set("/user/click_ids/fbc", "FB.1.1764324900000.IwAR2F4"), "/user/click_ids/fbc invalid_click_id"),
                reject("fbc with a short time", e -> e.set("/user/click_ids/fbc", "fb.1.176432490.IwAR2F4"), "/user/click_ids/fbc invalid_click_id"),
                reject("fbc with a 14 digit time", e -> e.set("/user/click_ids/fbc", "fb.1.17643249000001.IwAR2F4"), "/user/click_ids/fbc invalid_click_id"),
                reject("fbc with a two digit index", e -> e.set("/user/click_ids/fbc", "fb.10.1764324900000.IwAR2F4"), "/user/click_ids/fbc invalid_click_id"),
                reject("fbc without fbclid", e -> e.set("/user/click_ids/fbc", "fb.1.1764324900000."), "/user/click_ids/fbc invalid_click_id"),
                reject("fbc only the fbclid", e -> e.set("/user/click_ids/fbc", "IwAR2F4-dbP0l7Mn1IawQQ"), "/user/click_ids/fbc invalid_click_id"),
                reject("fbc with a long appendix", e -> e.set("/user/click_ids/fbc", "fb.1.1764324900000.IwAR2F4.ABCDEFGHI"), "/user/click_ids/fbc invalid_click_id"),
                reject("fbc a number", e -> e.set("/user/click_ids/fbc", 1), "/user/click_ids/fbc invalid_type"),
                reject("fbp with letters in the random part", e -> e.set("/user/click_ids/fbp", "fb.1.1764324900000.10981a"), "/user/click_ids/fbp invalid_click_id"),
                reject("fbp without the random part", e -> e.set("/user/click_ids/fbp", "fb.1.1764324900000"), "/user/click_ids/fbp invalid_click_id"),
                reject("gclid with a space", e -> e.set("/user/click_ids/gclid", "EAIaIQ obChMI"), "/user/click_ids/gclid invalid_click_id"),
                reject("gclid with a quote", e -> e.set("/user/click_ids/gclid", "EAIa\"IQ"), "/user/click_ids/gclid invalid_click_id"),
                reject("ttclid with unicode", e -> e.set("/user/click_ids/ttclid", "E.C.P.ü"), "/user/click_ids/ttclid invalid_click_id"),
                reject("msclkid over 512", e -> e.set("/user/click_ids/msclkid", "a".repeat(513)), "/user/click_ids/msclkid too_long"),
                reject("epik an object", e -> e.set("/user/click_ids/epik", Map.of()), "/user/click_ids/epik invalid_type"),
                // Hashed as given, these were digests no platform matches (until session 43).
                reject("external_id a lone bidi mark", e -> e.set("/user/external_id", "\u200E"), "/user/external_id invalid_format"),
                reject("external_id with a NUL", e -> e.set("/user/external_id", "cust-42\u0000"), "/user/external_id invalid_format"),
                reject("external_id with a line break", e -> e.set("/user/external_id", "cust\n42"), "/user/external_id invalid_format"));
        return Stream.concat(personal, others);
    }

    static Stream<Arguments> accepted() {
        Stream<Arguments> personal = PERSONAL.stream().map(field ->
                accept(field + " of 256 characters", e -> e.set("/user/" + field, "a".repeat(256))));
        Stream<Arguments> others = Stream.of(
                accept("user_agent of 1024", e -> e.set("/user/user_agent", "M".repeat(1024))),
                accept("IPv6 client_ip", e -> e.set("/user/client_ip", "2001:db8::8a2e:370:7334")),
                accept("IPv4-mapped client_ip", e -> e.set("/user/client_ip", "::ffff:203.0.113.7")),
                accept("fbc with an 8 character appendix", e -> e.set("/user/click_ids/fbc", "fb.1.1764324900000.IwAR2F4.AbCd1234")),
                accept("fbc with a legacy 2 character appendix", e -> e.set("/user/click_ids/fbc", "fb.2.1764324900.IwAR2F4.AQ")),
                accept("fbp with an appendix", e -> e.set("/user/click_ids/fbp", "fb.0.1764324900000.1098115397.Bg")),
                accept("gclid of 512 URL-safe characters", e -> e.set("/user/click_ids/gclid", "aZ09._~+/=-".repeat(46) + "aaaaaa")),
                accept("every other click id", e -> e.set("/user/click_ids", Map.of("gbraid", "0AAAAAo", "wbraid", "Cj0KCQ",
                        "ScCid", "b5a1c3e2-4f6d", "epik", "dj0yJnU9", "li_fat_id", "d4f1e7a2-3c5b", "rdt_cid", "1234567890",
                        "msclkid", "3f1f2e5a9b8c4d"))));
        return Stream.concat(personal, others);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void eachBrokenRuleIsReportedAtItsPointer(String name, UnaryOperator<EventJson> change, String expected) {
        Rules.assertRejected(change, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void valuesAtTheLimitsAreAccepted(String name, UnaryOperator<EventJson> change) {
        Rules.assertAccepted(change);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-an-email", "+1 (650) 555-1212 ext. 9", "19900401", "x", "ZZ"})
    void personalFieldsAreOnlyTypeAndLengthCheckedHere(String anything) {
        Rules.assertAccepted(e -> e.set("/user/email", anything).set("/user/date_of_birth", anything)
                .set("/user/gender", anything).set("/user/country", anything));
    }

    /** Invisible characters alone are blank, as spaces are: left out, not hashed (until session 43 U+2062 was). */
    @Test
    void anExternalIdOfInvisibleCharactersIsLeftOut() {
        UserData user = Rules.assertAccepted(e -> e.set("/user/external_id", "\u2062\u00A0\u200B")).event().user();
        assertEquals(Optional.empty(), user.externalId());
        assertEquals(Optional.of("Cust\u200D42"), Rules.assertAccepted(e -> e.set("/user/external_id", "Cust\u200D42"))
                .event().user().externalId(), "otherwise kept as sent");
    }

    @Test
    void clickIdsAreKeptExactlyAsSentNeverLowerCased() {
        String fbc = "fb.1.1764324900000.IwAR2F4-DBP0l7MN";
        UserData user = Rules.assertAccepted(e -> e.set("/user/click_ids/fbc", fbc).set("/user/click_ids/ScCid", "AbC")
                .set("/user/click_ids/ttp", "2RaRzXuKDXXvGJzsVdSd3kFuYqP").set("/user/click_ids/_scid", "8c7a1b2e-5d4f-4e3a-9b1c-0d2e3f4a5b6c")
                .set("/user/click_ids/_ga", "GA1.1.1197596843.1673473985"))
                .event().user();
        assertEquals("GA1.1.1197596843.1673473985", user.clickIds().get("_ga"), "Google Analytics' browser id");
        assertEquals(fbc, user.clickIds().get("fbc"));
        assertEquals("AbC", user.clickIds().get("ScCid"));
        assertEquals("2RaRzXuKDXXvGJzsVdSd3kFuYqP", user.clickIds().get("ttp"), "TikTok's browser id");
        assertEquals("8c7a1b2e-5d4f-4e3a-9b1c-0d2e3f4a5b6c", user.clickIds().get("_scid"), "Snap's browser id");
    }

    @Test
    void anUnknownOrMisspeltClickIdIsAWarning() {
        ParsedEvent.Valid valid = Rules.assertAccepted(e -> e.set("/user/click_ids/sccid", "x").set("/user/click_ids/dclid", "y"));
        assertThat(codes(valid.warnings()), contains("/user/click_ids/sccid unknown_field", "/user/click_ids/dclid unknown_field"));
        assertEquals(Optional.empty(), Optional.ofNullable(valid.event().user().clickIds().get("sccid")));
    }
}
