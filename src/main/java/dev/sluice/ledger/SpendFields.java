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
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,15}");
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
        if (name.length() > MAX_TEXT || name.chars().anyMatch(Character::isISOControl)) {
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
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException iso) {
            try {
                return LocalDate.parse(value.strip(), US_DATE);
            } catch (DateTimeParseException us) {
                problems.add(new FieldProblem(pointer, "invalid_format", "must be a day such as 2026-11-28"));
                return null;
            }
        }
    }

    private static String text(String value, String pointer, List<FieldProblem> problems) {
        if (blank(value)) {
            problems.add(new FieldProblem(pointer, "required", "is required"));
            return null;
        }
        String text = value.strip();
        if (text.length() > MAX_TEXT || text.chars().anyMatch(Character::isISOControl)) {
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
        String plain = value.strip().replace(",", "");
        if (!DECIMAL.matcher(plain).matches()) {
            problems.add(new FieldProblem(pointer, "out_of_range",
                    "must be a non-negative amount below 10^12 with at most 6 fraction digits, such as 129.90"));
            return null;
        }
        return new BigDecimal(plain);
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
        String plain = value.strip().replace(",", "");
        if (!COUNT.matcher(plain).matches()) {
            problems.add(new FieldProblem(pointer, "out_of_range", "must be a whole number, not negative"));
            return 0;
        }
        return Long.parseLong(plain);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
