package dev.sluice.event;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.sluice.event.Rules.accept;
import static dev.sluice.event.Rules.reject;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Rules for {@code custom} (money, currency, ids, counts) and {@code consent}. */
class CustomAndConsentRulesTest {

    private static final List<String> FLAGS = List.of("ad_storage", "ad_user_data", "ad_personalization", "analytics_storage");

    static Stream<Arguments> rejected() {
        Stream<Arguments> custom = Stream.of(
                reject("value in prose", e -> e.set("/custom/value", "abc"), "/custom/value invalid_format"),
                reject("value with a comma", e -> e.set("/custom/value", "12,50"), "/custom/value invalid_format"),
                reject("value string with exponent", e -> e.set("/custom/value", "1e3"), "/custom/value invalid_format"),
                reject("value string padded", e -> e.set("/custom/value", " 12.50"), "/custom/value invalid_format"),
                reject("value string with currency sign", e -> e.set("/custom/value", "€12.50"), "/custom/value invalid_format"),
                reject("value string with a dangling point", e -> e.set("/custom/value", "12."), "/custom/value invalid_format"),
                reject("value empty string", e -> e.set("/custom/value", ""), "/custom/value invalid_format"),
                reject("value a boolean", e -> e.set("/custom/value", true), "/custom/value invalid_type"),
                reject("value an array", e -> e.set("/custom/value", List.of(1)), "/custom/value invalid_type"),
                reject("value negative", e -> e.setRaw("/custom/value", "-1"), "/custom/value out_of_range"),
                reject("value negative string", e -> e.set("/custom/value", "-0.01"), "/custom/value out_of_range"),
                reject("value of 19 integer digits", e -> e.setRaw("/custom/value", "1234567890123456789"), "/custom/value out_of_range"),
                reject("value string of 19 integer digits", e -> e.set("/custom/value", "1234567890123456789.5"), "/custom/value out_of_range"),
                reject("value of 7 fraction digits", e -> e.setRaw("/custom/value", "1.1234567"), "/custom/value out_of_range"),
                reject("value of 7 fraction digits and zeros", e -> e.set("/custom/value", "1.12345670"), "/custom/value out_of_range"),
                reject("value string of 7 fraction digits", e -> e.set("/custom/value", "1.0000001"), "/custom/value out_of_range"),
                reject("value 1e19", e -> e.setRaw("/custom/value", "1e19"), "/custom/value out_of_range"),
                reject("value with a huge exponent", e -> e.setRaw("/custom/value", "1e999999999"), "/custom/value out_of_range"),
                reject("value with a tiny exponent", e -> e.setRaw("/custom/value", "1e-999999999"), "/custom/value out_of_range"),
                reject("value of 300 digits", e -> e.setRaw("/custom/value", "9".repeat(300)), "/custom/value out_of_range"),
                reject("currency unknown", e -> e.set("/custom/currency", "XYZ"), "/custom/currency invalid_currency"),
                reject("currency a word", e -> e.set("/custom/currency", "EURO"), "/custom/currency invalid_currency"),
                reject("currency a symbol", e -> e.set("/custom/currency", "€"), "/custom/currency invalid_currency"),
                reject("currency empty", e -> e.set("/custom/currency", ""), "/custom/currency invalid_currency"),
                // Upper-cased without a locale, the long s and the dotless i become S and I: uſd was USD.
                reject("currency with a long s", e -> e.set("/custom/currency", "uſd"), "/custom/currency invalid_currency"),
                reject("currency with a dotless i", e -> e.set("/custom/currency", "ıdr"), "/custom/currency invalid_currency"),
                reject("currency numeric code", e -> e.set("/custom/currency", 978), "/custom/currency invalid_type"),
                reject("value without currency", e -> e.remove("/custom/currency"), "/custom/currency required"),
                reject("value with null currency", e -> e.setRaw("/custom/currency", "null"), "/custom/currency required"),
                reject("order_id over 128", e -> e.set("/custom/order_id", "1".repeat(129)), "/custom/order_id too_long"),
                reject("order_id blank", e -> e.set("/custom/order_id", " "), "/custom/order_id invalid_format"),
                reject("order_id a number", e -> e.set("/custom/order_id", 10023), "/custom/order_id invalid_type"),
                reject("content_ids a string", e -> e.set("/custom/content_ids", "sku-1"), "/custom/content_ids invalid_type"),
                reject("content_ids over 1000", e -> e.set("/custom/content_ids", ids(1001)), "/custom/content_ids too_many"),
                reject("content id a number", e -> e.set("/custom/content_ids", List.of("sku-1", 2)), "/custom/content_ids/1 invalid_type"),
                reject("content id null", e -> e.set("/custom/content_ids", Collections.singletonList(null)), "/custom/content_ids/0 invalid_type"),
                reject("content id over 128", e -> e.set("/custom/content_ids", List.of("s".repeat(129))), "/custom/content_ids/0 too_long"),
                reject("content id empty", e -> e.set("/custom/content_ids", List.of("sku-1", "sku-2", "")), "/custom/content_ids/2 invalid_format"),
                reject("num_items negative", e -> e.set("/custom/num_items", -1), "/custom/num_items out_of_range"),
                reject("num_items over a million", e -> e.set("/custom/num_items", 1_000_001), "/custom/num_items out_of_range"),
                reject("num_items beyond a long", e -> e.setRaw("/custom/num_items", "1" + "0".repeat(25)), "/custom/num_items out_of_range"),
                reject("num_items fractional", e -> e.setRaw("/custom/num_items", "2.5"), "/custom/num_items invalid_type"),
                reject("num_items a string", e -> e.set("/custom/num_items", "2"), "/custom/num_items invalid_type"));
        Stream<Arguments> flags = FLAGS.stream().flatMap(flag -> Stream.of(
                reject(flag + " upper case", e -> e.set("/consent/" + flag, "GRANTED"), "/consent/" + flag + " unknown_value"),
                reject(flag + " yes", e -> e.set("/consent/" + flag, "yes"), "/consent/" + flag + " unknown_value"),
                reject(flag + " a boolean", e -> e.set("/consent/" + flag, true), "/consent/" + flag + " invalid_type")));
        Stream<Arguments> consent = Stream.of(
                reject("tcf with a space", e -> e.set("/consent/tcf", "CPXx RfA"), "/consent/tcf invalid_format"),
                reject("tcf in plain base64", e -> e.set("/consent/tcf", "CPXx+Rf/A="), "/consent/tcf invalid_format"),
                reject("tcf empty", e -> e.set("/consent/tcf", ""), "/consent/tcf invalid_format"),
                reject("tcf over 4096", e -> e.set("/consent/tcf", "C".repeat(4097)), "/consent/tcf too_long"),
                reject("tcf a number", e -> e.set("/consent/tcf", 1), "/consent/tcf invalid_type"),
                reject("gpc a string", e -> e.set("/consent/gpc", "true"), "/consent/gpc invalid_type"),
                reject("gpc a number", e -> e.set("/consent/gpc", 1), "/consent/gpc invalid_type"),
                reject("opt_out a string", e -> e.set("/consent/opt_out", "no"), "/consent/opt_out invalid_type"),
                reject("us_privacy too long", e -> e.set("/consent/us_privacy", "1YNNN"), "/consent/us_privacy invalid_format"),
                reject("us_privacy version 2", e -> e.set("/consent/us_privacy", "2YNN"), "/consent/us_privacy invalid_format"),
                reject("us_privacy other letters", e -> e.set("/consent/us_privacy", "1YXN"), "/consent/us_privacy invalid_format"),
                reject("us_privacy a number", e -> e.set("/consent/us_privacy", 1), "/consent/us_privacy invalid_type"),
                reject("jurisdiction lower case", e -> e.set("/consent/jurisdiction", "us-ca"), "/consent/jurisdiction invalid_format"),
                reject("jurisdiction a country name", e -> e.set("/consent/jurisdiction", "Germany"), "/consent/jurisdiction invalid_format"),
                reject("jurisdiction a number", e -> e.set("/consent/jurisdiction", 49), "/consent/jurisdiction invalid_type"));
        return Stream.of(custom, flags, consent).flatMap(s -> s);
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                accept("value of 18 integer and 6 fraction digits", e -> e.set("/custom/value", "123456789012345678.123456")),
                accept("value zero", e -> e.setRaw("/custom/value", "0")),
                // Exactly 1.1: zeros past the sixth place are dropped, not refused (until session 39).
                accept("value with zeros past the sixth place", e -> e.set("/custom/value", "1.10000000")),
                accept("value number with zeros past the sixth place", e -> e.setRaw("/custom/value", "2.500000000")),
                accept("value string of 7 fraction digits, all zeros", e -> e.set("/custom/value", "1.0000000")),
                accept("value string with leading zeros", e -> e.set("/custom/value", "007.50")),
                accept("currency without value", e -> e.remove("/custom/value")),
                accept("content ids of 1000", e -> e.set("/custom/content_ids", ids(1000))),
                accept("num_items zero", e -> e.set("/custom/num_items", 0)),
                accept("num_items a million", e -> e.set("/custom/num_items", 1_000_000)),
                accept("us_privacy lower case and dashes", e -> e.set("/consent/us_privacy", "1-n-")),
                accept("tcf of 4096", e -> e.set("/consent/tcf", "C".repeat(4096))),
                accept("all consent signals", e -> e.set("/consent", Map.of("ad_storage", "denied", "ad_user_data", "granted",
                        "ad_personalization", "granted", "analytics_storage", "denied", "gpc", true, "opt_out", false))));
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

    @Test
    void theLargestValueIsKeptDigitForDigit() {
        BigDecimal value = Rules.assertAccepted(e -> e.setRaw("/custom/value", "999999999999999999.999999"))
                .event().custom().value().orElseThrow();
        assertEquals("999999999999999999.999999", value.toPlainString());
    }

    /** Issue 5: a refund may state its amount as negative; it is read as the amount refunded. */
    @Test
    void refundValue_mayBeNegative_andIsReadAsTheAmountRefunded() {
        BigDecimal negative = Rules.assertAccepted(e -> e.set("/event_name", "Refund").setRaw("/custom/value", "-30.50"))
                .event().custom().value().orElseThrow();
        BigDecimal positive = Rules.assertAccepted(e -> e.set("/event_name", "Refund").set("/custom/value", "30.50"))
                .event().custom().value().orElseThrow();

        assertEquals("30.50", negative.toPlainString());
        assertEquals("30.50", positive.toPlainString());
        Rules.assertRejected(e -> e.set("/event_name", "Refund").set("/custom/value", "-1234567890123456789"),
                "/custom/value out_of_range");
    }

    @Test
    void consentSignalsAreReadIntoTheModel() {
        ConsentSignals consent = Rules.assertAccepted(e -> e.set("/consent", Map.of("ad_storage", "denied",
                "analytics_storage", "granted", "gpc", true, "opt_out", true, "us_privacy", "1YYN"))).event().consent();
        assertEquals(new ConsentSignals(Optional.of(ConsentSignals.Flag.DENIED), Optional.empty(), Optional.empty(),
                Optional.of(ConsentSignals.Flag.GRANTED), Optional.empty(), Optional.of(true), Optional.of("1YYN"),
                Optional.of(true)), consent);
    }

    private static List<String> ids(int count) {
        return IntStream.range(0, count).mapToObj(i -> "sku-" + i).toList();
    }
}
