package dev.sluice.event;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.sluice.event.EventJson.FBC;
import static dev.sluice.event.EventJson.FBP;
import static dev.sluice.event.EventJson.GCLID;
import static dev.sluice.event.EventJson.TCF;
import static dev.sluice.event.EventJson.TTCLID;
import static dev.sluice.event.EventJson.batch;
import static dev.sluice.event.EventJson.minimal;
import static dev.sluice.event.EventJson.purchase;
import static dev.sluice.event.EventJson.utf8;
import static dev.sluice.event.Outcomes.codes;
import static dev.sluice.event.Outcomes.events;
import static dev.sluice.event.Outcomes.problemsOf;
import static dev.sluice.event.Outcomes.valid;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventParserTest {

    private static final Instant EVENT_TIME = Instant.parse("2026-11-28T10:15:00Z");
    private final EventParser parser = EventJson.parser();

    @Test
    void theHandbookPurchaseParsesIntoTheExactCanonicalEvent() {
        ParsedEvent.Valid parsed = valid(parser.parse(purchase().body()));

        Event expected = new Event("order-10023", "Purchase", EVENT_TIME, ActionSource.WEBSITE,
                Optional.of("https://shop.example/checkout"),
                new UserData(Optional.of("Jane.Doe@Example.com"), Optional.of("+1 (650) 555-1212"),
                        Optional.of("Jane"), Optional.of("Doe"), Optional.of("1990-04-01"), Optional.of("f"),
                        Optional.of("Menlo Park"), Optional.of("CA"), Optional.of("94025"), Optional.of("US"),
                        Optional.of("cust-42"), Optional.of("203.0.113.7"), Optional.of("Mozilla/5.0 (X11)"),
                        Map.of("fbc", FBC, "fbp", FBP, "gclid", GCLID, "ttclid", TTCLID)),
                new CustomData(Optional.of(new BigDecimal("129.90")), Optional.of("EUR"), Optional.of("10023"),
                        List.of("sku-1"), Optional.of(2)),
                Map.of("utm_source", "facebook", "utm_campaign", "bf-2026", "campaign_id", "123"),
                new ConsentSignals(Optional.empty(), Optional.of(ConsentSignals.Flag.GRANTED),
                        Optional.of(ConsentSignals.Flag.DENIED), Optional.empty(), Optional.of(TCF),
                        Optional.of(false), Optional.of("1YNN"), Optional.empty()),
                List.of("meta", "google_ads"));
        assertEquals(expected, parsed.event());
        assertThat(parsed.warnings(), empty());
        assertEquals(Optional.of("order-10023"), parsed.eventId());
    }

    @Test
    void aMoneyStringKeepsItsScale() {
        BigDecimal value = valid(parser.parse(purchase().body())).event().custom().value().orElseThrow();
        assertEquals("129.90", value.toPlainString());
        assertEquals(2, value.scale());
    }

    @Test
    void aMoneyNumberIsReadExactlyWithItsScaleAndNeverThroughADouble() {
        byte[] body = purchase().setRaw("/custom/value", "129.90").body();
        BigDecimal value = valid(parser.parse(body)).event().custom().value().orElseThrow();
        assertEquals("129.90", value.toPlainString());

        // 0.1 + 0.2 style: a double would turn this into 123456789012.34567 or similar.
        byte[] precise = purchase().setRaw("/custom/value", "123456789012.345678").body();
        assertEquals(new BigDecimal("123456789012.345678"),
                valid(parser.parse(precise)).event().custom().value().orElseThrow());
    }

    /** A value the ledger cannot book is accepted with a warning saying so; only the log said it until session 40. */
    @Test
    void aValueAboveWhatTheLedgerBooks_isAcceptedWithAWarning() {
        assertThat(codes(valid(parser.parse(purchase().setRaw("/custom/value", "1000000000000").body())).warnings()), empty());
        assertThat(codes(valid(parser.parse(purchase().setRaw("/custom/value", "1000000000000.000001").body())).warnings()),
                contains("/custom/value beyond_ledger"));
    }

    @Test
    void anIntegerOrExponentValueBecomesAPlainDecimal() {
        assertEquals(new BigDecimal("130"),
                valid(parser.parse(purchase().setRaw("/custom/value", "130").body())).event().custom().value().get());
        assertEquals("1000", valid(parser.parse(purchase().setRaw("/custom/value", "1E+3").body()))
                .event().custom().value().get().toPlainString());
    }

    /**
     * A number whose exponent is beyond an int is valid JSON (RFC 8259 bounds no exponent), but
     * BigDecimal cannot hold it: the whole body was 400 malformed_json at the root, "not valid
     * JSON", naming no field. It is now what it reads as, a value out of range at its field, and
     * in a field Sluice does not know it is ignored like any other value.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1e99999999999", "1E+2147483648", "-1e99999999999", "1e-99999999999", "0.5e-2147483649"})
    void aNumberWhoseExponentIsBeyondAnInt_isOutOfRangeAtItsField(String number) {
        byte[] value = utf8(new String(purchase().setRaw("/custom/value", "7.77").body(), java.nio.charset.StandardCharsets.UTF_8)
                .replace("7.77", number));
        assertThat(problemsOf(parser.parse(value)), contains("/custom/value out_of_range"));
        byte[] unknown = utf8(new String(purchase().setRaw("/custom/extra", "7.77").body(), java.nio.charset.StandardCharsets.UTF_8)
                .replace("7.77", number));
        assertThat(codes(valid(parser.parse(unknown)).warnings()), contains("/custom/extra unknown_field"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1795860900", "\"1795860900\"", "\"2026-11-28T10:15:00Z\"",
            "\"2026-11-28T11:15:00+01:00\"", "\"2026-11-28T05:15:00-05:00\"", "\"2026-11-28T10:15:00.000Z\""})
    void eventTimeAcceptsUnixSecondsAndIsoInstantsWithOffset(String time) {
        byte[] body = purchase().setRaw("/event_time", time).body();
        assertEquals(EVENT_TIME, valid(parser.parse(body)).event().eventTime());
    }

    /** With max-event-age 30m the message said "must not be older than 0 hours". */
    @Test
    void theTooOldMessageNamesAnAgeUnderAnHourInMinutes() {
        EventParser halfHour = new EventParser(new ParserLimits(1000, java.time.Duration.ofMinutes(30),
                java.time.Duration.ofMinutes(5), 16, 8192, ParserLimits.DEFAULT_VALUES), EventJson.CLOCK);
        ParsedEvent.Invalid old = Outcomes.invalid(halfHour.parse(purchase().set("/event_time", "2026-11-28T09:00:00Z").body()));
        assertEquals("must not be older than 30 minutes", old.problems().get(0).message());
        ParsedEvent.Invalid week = Outcomes.invalid(parser.parse(purchase().set("/event_time", "2026-11-01T09:00:00Z").body()));
        assertEquals("must not be older than 168 hours", week.problems().get(0).message());
    }

    @Test
    void isoFractionsOfASecondAreKept() {
        byte[] body = purchase().set("/event_time", "2026-11-28T10:15:00.123456789Z").body();
        assertEquals(EVENT_TIME.plusNanos(123_456_789), valid(parser.parse(body)).event().eventTime());
    }

    @Test
    void theFewestFieldsMakeAValidEventWithEmptySections() {
        Event event = valid(parser.parse(minimal().body())).event();
        assertEquals(ActionSource.SYSTEM_GENERATED, event.actionSource());
        assertEquals(UserData.empty(), event.user());
        assertEquals(CustomData.empty(), event.custom());
        assertEquals(ConsentSignals.none(), event.consent());
        assertEquals(Map.of(), event.attribution());
        assertEquals(List.of(), event.destinations());
        assertEquals(Optional.empty(), event.eventSourceUrl());
    }

    @Test
    void nullCountsAsAbsentEverywhere() {
        byte[] body = minimal().setRaw("/user", "null").setRaw("/custom", "null").setRaw("/consent", "null")
                .setRaw("/attribution", "null").setRaw("/destinations", "null").setRaw("/event_source_url", "null")
                .body();
        assertEquals(UserData.empty(), valid(parser.parse(body)).event().user());

        byte[] missingId = minimal().setRaw("/event_id", "null").body();
        assertThat(problemsOf(parser.parse(missingId)), contains("/event_id required"));
    }

    @Test
    void blankUserFieldsCountAsAbsent() {
        byte[] body = purchase().set("/user/email", "").set("/user/city", "   ").set("/user/click_ids/gclid", "")
                .body();
        UserData user = valid(parser.parse(body)).event().user();
        assertEquals(Optional.empty(), user.email());
        assertEquals(Optional.empty(), user.city());
        assertFalse(user.clickIds().containsKey("gclid"));
    }

    @Test
    void aPhoneSentAsANumberBecomesItsDigits() {
        byte[] body = purchase().setRaw("/user/phone", "16505551212").body();
        assertEquals(Optional.of("16505551212"), valid(parser.parse(body)).event().user().phone());
    }

    @Test
    void currencyIsUpperCased() {
        byte[] body = purchase().set("/custom/currency", "eur").body();
        assertEquals(Optional.of("EUR"), valid(parser.parse(body)).event().custom().currency());
    }

    @Test
    void unknownFieldsAreIgnoredWithAWarningAtTheirPointer() {
        byte[] body = purchase().set("/coupon", "x").set("/user/street", "x").set("/user/click_ids/dclid", "x")
                .set("/custom/tax", 1).set("/consent/ccpa", true).set("/a~b", 1).set("/c~1d", 1)
                .body();
        ParsedEvent.Valid parsed = valid(parser.parse(body));
        assertThat(codes(parsed.warnings()), contains(
                "/user/street unknown_field", "/user/click_ids/dclid unknown_field", "/custom/tax unknown_field",
                "/consent/ccpa unknown_field", "/coupon unknown_field", "/a~0b unknown_field",
                "/c~01d unknown_field"));
        assertFalse(parsed.event().user().clickIds().containsKey("dclid"));
    }

    @Test
    void aKeyWithASlashIsEscapedInItsPointer() {
        byte[] body = purchase().node().put("utm/source", 1).toString().getBytes();
        assertThat(codes(valid(parser.parse(body)).warnings()), contains("/utm~1source unknown_field"));
    }

    @Test
    void aStandardNameInTheWrongCaseIsACustomEventWithAWarning() {
        ParsedEvent.Valid parsed = valid(parser.parse(purchase().set("/event_name", "purchase").body()));
        assertEquals("purchase", parsed.event().eventName());
        assertThat(codes(parsed.warnings()), contains("/event_name case_mismatch"));
    }

    @Test
    void customEventNamesAreAccepted() {
        assertEquals("Newsletter_Optin_2",
                valid(parser.parse(minimal().set("/event_name", "Newsletter_Optin_2").body())).event().eventName());
    }

    @Test
    void aSingleEventBodyIsNotABatchAndItsPointersStartAtTheEvent() {
        ParsedBody body = parser.parse(purchase().remove("/event_id").body());
        assertFalse(events(body).batch());
        assertThat(problemsOf(body), contains("/event_id required"));
    }

    @Test
    void aBatchKeepsTheOrderAndPointsIntoEachEvent() {
        ParsedBody body = parser.parse(batch(
                purchase(),
                purchase().set("/event_id", "order-2").set("/user/email", 5),
                minimal().set("/custom/value", "1")));
        ParsedBody.Events events = events(body);
        assertTrue(events.batch());
        assertEquals(3, events.events().size());
        assertInstanceOf(ParsedEvent.Valid.class, events.events().get(0));
        ParsedEvent.Invalid second = assertInstanceOf(ParsedEvent.Invalid.class, events.events().get(1));
        assertEquals(Optional.of("order-2"), second.eventId());
        assertThat(codes(second.problems()), contains("/events/1/user/email invalid_type"));
        ParsedEvent.Invalid third = assertInstanceOf(ParsedEvent.Invalid.class, events.events().get(2));
        assertThat(codes(third.problems()), contains("/events/2/custom/currency required"));
    }

    @Test
    void aBatchElementThatIsNotAnObjectIsAnInvalidEventNotAMalformedBody() {
        ParsedBody.Events events = events(parser.parse(EventJson.utf8(
                "{\"events\":[" + purchase().node() + ", 42, \"x\", null, []]}")));
        assertEquals(5, events.events().size());
        assertInstanceOf(ParsedEvent.Valid.class, events.events().getFirst());
        for (int i = 1; i < 5; i++) {
            ParsedEvent.Invalid invalid = assertInstanceOf(ParsedEvent.Invalid.class, events.events().get(i));
            assertThat(codes(invalid.problems()), contains("/events/" + i + " invalid_type"));
            assertEquals(Optional.empty(), invalid.eventId());
        }
    }

    @Test
    void aBatchOfTheMaximumSizeIsAccepted() {
        EventJson[] many = new EventJson[1000];
        for (int i = 0; i < many.length; i++) {
            many[i] = minimal().set("/event_id", "e-" + i);
        }
        List<ParsedEvent> events = events(parser.parse(batch(many))).events();
        assertEquals(1000, events.size());
        assertEquals(Optional.of("e-999"), events.get(999).eventId());
    }

    @Test
    void allProblemsOfAnEventAreReportedInFieldOrderWithWarningsLast() {
        byte[] body = purchase().remove("/event_name").set("/evnt_name", "Purchase").set("/event_time", "yesterday")
                .set("/action_source", "web").set("/user/client_ip", "localhost").set("/custom/value", "12,50")
                .set("/consent/gpc", "false").set("/destinations", List.of("Meta")).body();
        assertThat(problemsOf(parser.parse(body)), contains(
                "/event_name required", "/event_time invalid_format", "/action_source unknown_value",
                "/user/client_ip invalid_format", "/custom/value invalid_format", "/consent/gpc invalid_type",
                "/destinations/0 invalid_format", "/evnt_name unknown_field"));
    }

    @Test
    void anInvalidEventStillReportsItsValidEventId() {
        assertEquals(Optional.of("order-10023"),
                Outcomes.invalid(parser.parse(purchase().set("/event_time", "x").body())).eventId());
        assertEquals(Optional.empty(),
                Outcomes.invalid(parser.parse(purchase().set("/event_id", "a\tb").body())).eventId());
    }

    @Test
    void aValueWithoutCurrencyIsReportedAtTheCurrency() {
        byte[] body = purchase().remove("/custom/currency").body();
        assertThat(problemsOf(parser.parse(body)), hasItem("/custom/currency required"));
    }

    @Test
    void unpairedSurrogateEscapesAreRejectedBecauseTheyAreNotUnicode() {
        for (String escape : new String[] {"order\\ud8001", "\\udc00", "x\\ud83d"}) {
            String body = "{\"event_id\":\"" + escape + "\",\"event_name\":\"Purchase\",\"event_time\":\"2026-11-28T10:15:00Z\","
                    + "\"action_source\":\"app\"}";
            ParsedBody parsed = new EventParser(ParserLimits.defaults(), java.time.InstantSource.fixed(EventJson.NOW))
                    .parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ParsedEvent event = ((ParsedBody.Events) parsed).events().getFirst();
            assertTrue(event instanceof ParsedEvent.Invalid, escape);
            assertEquals("/event_id", ((ParsedEvent.Invalid) event).problems().getFirst().pointer());
            assertEquals("invalid_format", ((ParsedEvent.Invalid) event).problems().getFirst().code());
        }
    }
}
