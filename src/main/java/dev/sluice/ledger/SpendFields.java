package dev.sluice.ledger;

import dev.sluice.event.FieldProblem;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Validates one spend row given as text fields (from JSON or any CSV layout) into a
 * {@link SpendRow}, or reports each bad field by pointer, never by value.
 */
final class SpendFields {
    static final String DATE = "date";
    static final String PLATFORM = "platform";
    static final String CAMPAIGN_ID = "campaign_id";
    static final String CAMPAIGN_NAME = "campaign_name";
    static final String SPEND = "spend";
    static final String CURRENCY = "currency";
    static final String CLICKS = "clicks";
    static final String IMPRESSIONS = "impressions";
    /** Every field of a row, in the order they are documented. */
    static final java.util.List<String> ALL = java.util.List.of(DATE, PLATFORM, CAMPAIGN_ID, CAMPAIGN_NAME, SPEND, CURRENCY,
            CLICKS, IMPRESSIONS);

    private static final Pattern PLATFORM_ID = Pattern.compile("[a-z0-9_]{1,32}");
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,12}(?:\\.[0-9]{1,6})?");
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,12}");
    // A number at all (so that "-5", "1e3" or "1.5" clicks is told apart from "abc"), and the only
    // commas read: thousands separators, groups of three before any decimal point ("1,234.50").
    // A decimal comma ("12,50", "1.234,50") is refused rather than read as 1250 or 1.2345.
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(?:\\.[0-9]+)?");
    private static final Pattern GROUPED = Pattern.compile("-?[0-9]{1,3}(?:,[0-9]{3})+(?:\\.[0-9]+)?");
    /** Spend is for days an ad account can have had: from 2000 to the end of next year. */
    private static final LocalDate FIRST_DAY = LocalDate.of(2000, 1, 1);
    // Google Ads' UI exports write days like "Nov 28, 2026".
    private static final DateTimeFormatter US_DATE = DateTimeFormatter.ofPattern("MMM d, uuuu", Locale.ENGLISH);
    private static final int MAX_TEXT = 256;

    private SpendFields() {
    }

    /**
     * Validates {@code fields}; problems are added under {@code pointer} (e.g. {@code /rows/3}).
     * Absent clicks and impressions count as 0; an absent campaign name as empty.
     */
    static Optional<SpendRow> row(Map<String, String> fields, String pointer, List<FieldProblem> problems) {
        int before = problems.size();
        LocalDate day = date(fields.get(DATE), pointer + "/" + DATE, problems);
        String platform = text(fields.get(PLATFORM), pointer + "/" + PLATFORM, problems);
        if (platform != null && (!PLATFORM_ID.matcher(platform).matches() || platform.equals(Attribution.UNATTRIBUTED))) {
            problems.add(new FieldProblem(pointer + "/" + PLATFORM, "invalid_format",
                    "must be a platform id of lower-case letters, digits and _ such as meta or google_ads"));
        }
        String campaign = text(fields.get(CAMPAIGN_ID), pointer + "/" + CAMPAIGN_ID, problems);
        String name = Optional.ofNullable(fields.get(CAMPAIGN_NAME)).map(String::strip).orElse("");
        if (tooLong(name) || name.chars().anyMatch(Character::isISOControl)) {
            problems.add(new FieldProblem(pointer + "/" + CAMPAIGN_NAME, "invalid_format",
                    "must be at most " + MAX_TEXT + " characters without control characters"));
        }
        BigDecimal spend = amount(fields.get(SPEND), pointer + "/" + SPEND, problems);
        String currency = currency(fields.get(CURRENCY), pointer + "/" + CURRENCY, problems);
        long clicks = count(fields.get(CLICKS), pointer + "/" + CLICKS, problems);
        long impressions = count(fields.get(IMPRESSIONS), pointer + "/" + IMPRESSIONS, problems);
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new SpendRow(day, platform, campaign, name, spend, currency, clicks, impressions));
    }

    private static LocalDate date(String value, String pointer, List<FieldProblem> problems) {
        if (blank(value)) {
            problems.add(new FieldProblem(pointer, "required", "is required"));
            return null;
        }
        LocalDate day;
        try {
            day = LocalDate.parse(value.strip());
        } catch (DateTimeParseException iso) {
            try {
                day = LocalDate.parse(value.strip(), US_DATE);
            } catch (DateTimeParseException us) {
                problems.add(new FieldProblem(pointer, "invalid_format", "must be a day such as 2026-11-28"));
                return null;
            }
        }
        LocalDate lastDay = LocalDate.of(LocalDate.now(java.time.ZoneOffset.UTC).getYear() + 1, 12, 31);
        if (day.isBefore(FIRST_DAY) || day.isAfter(lastDay)) {
            // A mistyped year ("0026-11-28") would import spend no report ever shows.
            problems.add(new FieldProblem(pointer, "out_of_range", "must be a day from " + FIRST_DAY + " to " + lastDay));
            return null;
        }
        return day;
    }

    private static String text(String value, String pointer, List<FieldProblem> problems) {
        if (blank(value)) {
            problems.add(new FieldProblem(pointer, "required", "is required"));
            return null;
        }
        String text = value.strip();
        if (tooLong(text) || text.chars().anyMatch(Character::isISOControl)) {
            problems.add(new FieldProblem(pointer, "invalid_format",
                    "must be at most " + MAX_TEXT + " characters without control characters"));
            return null;
        }
        return text;
    }

    private static BigDecimal amount(String value, String pointer, List<FieldProblem> problems) {
        if (blank(value)) {
            problems.add(new FieldProblem(pointer, "required", "is required"));
            return null;
        }
        String plain = ungrouped(value, pointer, problems,
                "must be an amount such as 129.90 or 1,234.50 (a comma only between thousands)");
        if (plain == null) {
            return null;
        }
        if (!DECIMAL.matcher(plain).matches()) {
            problems.add(new FieldProblem(pointer, "out_of_range",
                    "must be a non-negative amount below 10^12 with at most 6 fraction digits, such as 129.90"));
            return null;
        }
        return new BigDecimal(plain);
    }

    /**
     * {@code value} without its thousands separators, or null with an {@code invalid_format}
     * problem when it is not a number written with a point for decimals.
     */
    private static String ungrouped(String value, String pointer, List<FieldProblem> problems, String message) {
        String text = value.strip();
        if (GROUPED.matcher(text).matches()) {
            return text.replace(",", "");
        }
        if (NUMBER.matcher(text).matches()) {
            return text;
        }
        problems.add(new FieldProblem(pointer, "invalid_format", message));
        return null;
    }

    private static String currency(String value, String pointer, List<FieldProblem> problems) {
        if (blank(value)) {
            problems.add(new FieldProblem(pointer, "required", "is required"));
            return null;
        }
        String code = value.strip().toUpperCase(Locale.ROOT);
        try {
            if (code.length() == 3 && Currency.getInstance(code).getCurrencyCode().equals(code)) {
                return code;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problems.add(new FieldProblem(pointer, "invalid_currency", "must be an ISO 4217 currency code such as EUR"));
        return null;
    }

    private static long count(String value, String pointer, List<FieldProblem> problems) {
        // Exports leave zero cells empty or write "--".
        if (blank(value) || value.strip().equals("--")) {
            return 0;
        }
        String plain = ungrouped(value, pointer, problems, "must be a whole number such as 1200 or 1,200");
        if (plain == null) {
            return 0;
        }
        if (plain.contains(".")) {
            problems.add(new FieldProblem(pointer, "invalid_format", "must be a whole number such as 1200 or 1,200"));
            return 0;
        }
        if (!COUNT.matcher(plain).matches()) {
            problems.add(new FieldProblem(pointer, "out_of_range", "must be a whole number from 0 to 999,999,999,999"));
            return 0;
        }
        return Long.parseLong(plain);
    }

    /** Over {@link #MAX_TEXT} characters, counted as code points as ingest counts its attribution values. */
    private static boolean tooLong(String text) {
        return text.length() > MAX_TEXT && text.codePointCount(0, text.length()) > MAX_TEXT;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
