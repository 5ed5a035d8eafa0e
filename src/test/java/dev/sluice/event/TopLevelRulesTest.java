package dev.sluice.event;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.sluice.event.EventJson.NOW;
import static dev.sluice.event.Rules.accept;
import static dev.sluice.event.Rules.reject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rules for the event's own fields, attribution and destinations. */
class TopLevelRulesTest {

    static Stream<Arguments> rejected() {
        return Stream.of(
                reject("event_id missing", e -> e.remove("/event_id"), "/event_id required"),
                reject("event_id a number", e -> e.set("/event_id", 10023), "/event_id invalid_type"),
                reject("event_id empty", e -> e.set("/event_id", ""), "/event_id invalid_format"),
                reject("event_id blank", e -> e.set("/event_id", "   "), "/event_id invalid_format"),
                reject("event_id with a newline", e -> e.set("/event_id", "order\n1"), "/event_id invalid_format"),
                reject("event_id with NUL", e -> e.set("/event_id", "order\u00001"), "/event_id invalid_format"),
                reject("event_id with a C1 control", e -> e.set("/event_id", "order\u00851"), "/event_id invalid_format"),
                // Invisible or reordering characters made ids that look alike and differ, or look blank.
                reject("event_id with a right-to-left override", e -> e.set("/event_id", "order-\u202e1"), "/event_id invalid_format"),
                reject("event_id with a right-to-left mark", e -> e.set("/event_id", "order-\u200f1"), "/event_id invalid_format"),
                reject("event_id with a line separator", e -> e.set("/event_id", "order\u20281"), "/event_id invalid_format"),
                reject("event_id a zero-width space", e -> e.set("/event_id", "\u200b"), "/event_id invalid_format"),
                reject("event_id a byte order mark", e -> e.set("/event_id", "\ufeff"), "/event_id invalid_format"),
                reject("event_id a no-break space", e -> e.set("/event_id", "\u00a0"), "/event_id invalid_format"),
                reject("order_id with a right-to-left override", e -> e.set("/custom/order_id", "10023\u202e"), "/custom/order_id invalid_format"),
                reject("event_id of 129 characters", e -> e.set("/event_id", "x".repeat(129)), "/event_id too_long"),
                reject("event_id of 129 emoji", e -> e.set("/event_id", "\ud83d\ude00".repeat(129)), "/event_id too_long"),

                reject("event_name missing", e -> e.remove("/event_name"), "/event_name required"),
                reject("event_name a number", e -> e.set("/event_name", 7), "/event_name invalid_type"),
                reject("event_name with spaces", e -> e.set("/event_name", "Add To Cart"), "/event_name invalid_format"),
                reject("event_name starting with a digit", e -> e.set("/event_name", "1Purchase"), "/event_name invalid_format"),
                reject("event_name with a dash", e -> e.set("/event_name", "Pur-chase"), "/event_name invalid_format"),
                reject("event_name empty", e -> e.set("/event_name", ""), "/event_name invalid_format"),
                reject("event_name of 51 characters", e -> e.set("/event_name", "A".repeat(51)), "/event_name invalid_format"),

                reject("event_time missing", e -> e.remove("/event_time"), "/event_time required"),
                reject("event_time a boolean", e -> e.set("/event_time", true), "/event_time invalid_type"),
                reject("event_time an object", e -> e.set("/event_time", Map.of()), "/event_time invalid_type"),
                reject("event_time fractional unix seconds", e -> e.setRaw("/event_time", "1795860900.5"), "/event_time invalid_format"),
                reject("event_time without offset", e -> e.set("/event_time", "2026-11-28T10:15:00"), "/event_time invalid_format"),
                reject("event_time a date only", e -> e.set("/event_time", "2026-11-28"), "/event_time invalid_format"),
                reject("event_time with a space", e -> e.set("/event_time", "2026-11-28 10:15:00Z"), "/event_time invalid_format"),
                reject("event_time an impossible date", e -> e.set("/event_time", "2026-02-30T10:15:00Z"), "/event_time invalid_format"),
                reject("event_time hour 24", e -> e.set("/event_time", "2026-11-28T24:15:00Z"), "/event_time invalid_format"),
                reject("event_time short offset", e -> e.set("/event_time", "2026-11-28T10:15:00+1:00"), "/event_time invalid_format"),
                reject("event_time negative digits", e -> e.set("/event_time", "-1795860900"), "/event_time invalid_format"),
                reject("event_time in prose", e -> e.set("/event_time", "yesterday"), "/event_time invalid_format"),
                reject("event_time beyond the skew", e -> e.set("/event_time", NOW.plusSeconds(301).toString()), "/event_time in_future"),
                reject("event_time in milliseconds", e -> e.set("/event_time", NOW.toEpochMilli()), "/event_time in_future"),
                reject("event_time beyond a long", e -> e.setRaw("/event_time", "1" + "0".repeat(30)), "/event_time in_future"),
                reject("event_time digits beyond a long", e -> e.set("/event_time", "9".repeat(19)), "/event_time in_future"),
                reject("event_time beyond Instant", e -> e.set("/event_time", Long.MAX_VALUE), "/event_time in_future"),
                reject("event_time eight days old", e -> e.set("/event_time", NOW.minus(Duration.ofDays(8)).getEpochSecond()), "/event_time too_old"),
                reject("event_time zero", e -> e.set("/event_time", 0), "/event_time too_old"),
                reject("event_time negative", e -> e.set("/event_time", -5), "/event_time too_old"),
                reject("event_time far below a long", e -> e.setRaw("/event_time", "-1" + "0".repeat(30)), "/event_time too_old"),
                reject("event_time ISO too old", e -> e.set("/event_time", "2020-01-01T00:00:00Z"), "/event_time too_old"),

                reject("action_source missing", e -> e.remove("/action_source"), "/action_source required"),
                reject("action_source in another case", e -> e.set("/action_source", "Website"), "/action_source unknown_value"),
                reject("action_source unknown", e -> e.set("/action_source", "web"), "/action_source unknown_value"),
                reject("action_source a number", e -> e.set("/action_source", 1), "/action_source invalid_type"),

                reject("event_source_url missing for a website", e -> e.remove("/event_source_url"), "/event_source_url required"),
                reject("event_source_url ftp", e -> e.set("/event_source_url", "ftp://shop.example/"), "/event_source_url invalid_url"),
                reject("event_source_url relative", e -> e.set("/event_source_url", "/checkout"), "/event_source_url invalid_url"),
                reject("event_source_url without host", e -> e.set("/event_source_url", "https://"), "/event_source_url invalid_url"),
                reject("event_source_url one slash", e -> e.set("/event_source_url", "https:/shop.example"), "/event_source_url invalid_url"),
                reject("event_source_url with user info", e -> e.set("/event_source_url", "https://jane:pw@shop.example/"), "/event_source_url invalid_url"),
                reject("event_source_url with a space", e -> e.set("/event_source_url", "https://shop.example/a b"), "/event_source_url invalid_url"),
                reject("event_source_url javascript", e -> e.set("/event_source_url", "javascript:alert(1)"), "/event_source_url invalid_url"),
                reject("event_source_url a number", e -> e.set("/event_source_url", 5), "/event_source_url invalid_type"),
                reject("event_source_url over 2048", e -> e.set("/event_source_url", "https://shop.example/" + "a".repeat(2028)), "/event_source_url too_long"),

                reject("user not an object", e -> e.set("/user", "jane@example.com"), "/user invalid_type"),
                reject("custom not an object", e -> e.set("/custom", List.of()), "/custom invalid_type"),
                reject("consent not an object", e -> e.set("/consent", "granted"), "/consent invalid_type"),

                reject("attribution not an object", e -> e.set("/attribution", "facebook"), "/attribution invalid_type"),
                reject("attribution of 33 entries", e -> e.set("/attribution", entries(33)), "/attribution too_many"),
                reject("attribution value a number", e -> e.set("/attribution/campaign_id", 123), "/attribution/campaign_id invalid_type"),
                reject("attribution value an object", e -> e.set("/attribution/utm_source", Map.of()), "/attribution/utm_source invalid_type"),
                reject("attribution value over 256", e -> e.set("/attribution/utm_source", "f".repeat(257)), "/attribution/utm_source too_long"),
                reject("attribution key escaped", e -> e.set("/attribution", Map.of("a/b~c", 1)), "/attribution/a~1b~0c invalid_type"),

                reject("destinations a string", e -> e.set("/destinations", "meta"), "/destinations invalid_type"),
                reject("destinations empty", e -> e.set("/destinations", List.of()), "/destinations out_of_range"),
                reject("destinations 33", e -> e.set("/destinations", IntStream.range(0, 33).mapToObj(i -> "d" + i).toList()), "/destinations too_many"),
                reject("destination upper case", e -> e.set("/destinations", List.of("meta", "Google_Ads")), "/destinations/1 invalid_format"),
                reject("destination starting with a dash", e -> e.set("/destinations", List.of("-meta")), "/destinations/0 invalid_format"),
                reject("destination of 65 characters", e -> e.set("/destinations", List.of("m".repeat(65))), "/destinations/0 invalid_format"),
                reject("destination a number", e -> e.set("/destinations", List.of(1)), "/destinations/0 invalid_type"),
                reject("destination null", e -> e.set("/destinations", Collections.singletonList(null)), "/destinations/0 invalid_type"),
                reject("destination twice", e -> e.set("/destinations", List.of("meta", "tiktok", "meta")), "/destinations/2 duplicate_value"));
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                accept("event_id of 128 characters", e -> e.set("/event_id", "x".repeat(128))),
                // Characters are code points: 65 emoji were "more than 128 characters" until session 39.
                accept("event_id of 128 emoji", e -> e.set("/event_id", "\ud83d\ude00".repeat(128))),
                accept("event_id with unicode", e -> e.set("/event_id", "Bestellung-Ü-42")),
                accept("event_id with a surrogate pair (emoji)", e -> e.set("/event_id", "order-\ud83d\ude00")),
                accept("event_name of 50 characters", e -> e.set("/event_name", "A".repeat(50))),
                accept("each standard event name", e -> e.set("/event_name", "SubmitApplication")),
                accept("Refund", e -> e.set("/event_name", "Refund")),
                accept("event_time exactly at the skew", e -> e.set("/event_time", NOW.plusSeconds(300).toString())),
                accept("event_time exactly at the age limit", e -> e.set("/event_time", NOW.minus(Duration.ofDays(7)).getEpochSecond())),
                accept("no url for an app event", e -> e.set("/action_source", "app").remove("/event_source_url")),
                accept("url of 2048 characters", e -> e.set("/event_source_url", "https://shop.example/" + "a".repeat(2027))),
                accept("http url with port, query and fragment", e -> e.set("/event_source_url", "HTTP://shop.example:8080/p?q=1#f")),
                accept("IPv6 host", e -> e.set("/event_source_url", "https://[2001:db8::1]/checkout")),
                accept("attribution of 32 entries", e -> e.set("/attribution", entries(32))),
                accept("attribution null value dropped", e -> e.setRaw("/attribution/utm_term", "null")),
                accept("destinations of 32", e -> e.set("/destinations", IntStream.range(0, 32).mapToObj(i -> "d" + i).toList())),
                accept("destination of 64 characters with _ and -", e -> e.set("/destinations", List.of("a" + "_-".repeat(31) + "b"))));
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
    void everyStandardEventNameIsAccepted() {
        for (String name : EventNames.STANDARD) {
            ParsedEvent.Valid valid = Rules.assertAccepted(e -> e.set("/event_name", name));
            assertTrue(valid.warnings().isEmpty(), name);
        }
    }

    @Test
    void everyActionSourceWireNameIsAccepted() {
        for (ActionSource source : ActionSource.values()) {
            assertEquals(source,
                    Rules.assertAccepted(e -> e.set("/action_source", source.wireName())).event().actionSource());
        }
    }

    private static Map<String, String> entries(int count) {
        Map<String, String> map = new LinkedHashMap<>();
        IntStream.range(0, count).forEach(i -> map.put("key_" + i, "v"));
        return map;
    }
}
