package dev.sluice.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads {@code custom}, the commerce data. Money never passes through a double: a JSON number
 * arrives as the exact {@link BigDecimal} the parser read, a string is parsed as written, and the
 * scale is kept ({@code 129.90} stays {@code 129.90}).
 *
 * <p>A value is never negative, except on a {@code Refund} event, where merchants may write the
 * amount refunded either way ({@code 30.00} or {@code -30.00}): its sign carries no meaning and
 * is dropped, so the event holds the amount refunded and platforms never see a negative value.
 */
final class CustomReader {

    static final int MAX_INTEGER_DIGITS = 18;
    static final int MAX_FRACTION_DIGITS = 6;
    static final int MAX_ORDER_ID_LENGTH = 128;
    static final int MAX_CONTENT_IDS = 1000;
    static final int MAX_CONTENT_ID_LENGTH = 128;
    static final int MAX_NUM_ITEMS = 1_000_000;
    static final String REFUND = "Refund";

    static final Set<String> KNOWN = Set.of("value", "currency", "order_id", "content_ids", "num_items");
    private static final Pattern DECIMAL_TEXT = Pattern.compile("-?[0-9]{1,64}(?:\\.[0-9]{1,64})?");
    private static final Set<String> CURRENCIES = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode)
            .collect(Collectors.toUnmodifiableSet());
    private static final String RANGE_MESSAGE = "must be a non-negative amount with at most "
            + MAX_INTEGER_DIGITS + " integer and " + MAX_FRACTION_DIGITS + " fraction digits";

    private CustomReader() {
    }

    /** Reads {@code custom}; {@code refund} allows a negative value, kept as its absolute value. */
    static CustomData read(JsonNode node, FieldReader fields, boolean refund) {
        Optional<ObjectNode> object = fields.object(node, "/custom");
        if (object.isEmpty()) {
            return CustomData.empty();
        }
        ObjectNode custom = object.get();
        fields.warnUnknownKeys(custom, KNOWN, "/custom");
        Optional<BigDecimal> value = value(custom.get("value"), fields, refund);
        Optional<String> currency = currency(custom.get("currency"), fields);
        if (!FieldReader.absent(custom.get("value")) && FieldReader.absent(custom.get("currency"))) {
            fields.error("/custom/currency", ProblemCode.REQUIRED, "is required when value is present");
        }
        return new CustomData(
                value,
                currency,
                fields.token(custom.get("order_id"), "/custom/order_id", MAX_ORDER_ID_LENGTH),
                contentIds(custom.get("content_ids"), fields),
                numItems(custom.get("num_items"), fields));
    }

    private static Optional<BigDecimal> value(JsonNode node, FieldReader fields, boolean refund) {
        BigDecimal amount;
        if (FieldReader.absent(node)) {
            return Optional.empty();
        } else if (node.isNumber()) {
            amount = node.decimalValue();
        } else if (node.isTextual()) {
            if (!DECIMAL_TEXT.matcher(node.textValue()).matches()) {
                fields.error("/custom/value", ProblemCode.INVALID_FORMAT, "must be a decimal number such as 129.90");
                return Optional.empty();
            }
            amount = new BigDecimal(node.textValue());
        } else {
            fields.error("/custom/value", ProblemCode.INVALID_TYPE, "must be a number or a decimal string");
            return Optional.empty();
        }
        // precision - scale is the number of integer digits; as longs, since 1e999999999 is valid JSON.
        long integerDigits = (long) amount.precision() - amount.scale();
        if (refund) {
            amount = amount.abs();
        }
        if (amount.scale() > MAX_FRACTION_DIGITS && amount.stripTrailingZeros().scale() <= MAX_FRACTION_DIGITS) {
            // 1.10000000 is exactly 1.1: its zeros past the sixth place are dropped, not refused
            // (until session 39 it was out_of_range).
            amount = amount.setScale(MAX_FRACTION_DIGITS);
        }
        if (amount.signum() < 0 || integerDigits > MAX_INTEGER_DIGITS || amount.scale() > MAX_FRACTION_DIGITS) {
            fields.error("/custom/value", ProblemCode.OUT_OF_RANGE, RANGE_MESSAGE);
            return Optional.empty();
        }
        if (amount.compareTo(CustomData.LEDGER_MAX_AMOUNT) > 0) {
            // Accepted and delivered as sent; the ledger counts the conversion without its value.
            // Until session 40 only the log said so, and the answer was a plain "accepted".
            fields.warn("/custom/value", ProblemCode.BEYOND_LEDGER, "is above 10^12: delivered as sent, but a purchase"
                    + " or refund is booked in the ROAS ledger without its value (README, For marketers, Limits)");
        }
        // 1E+3 is exactly 1000; a non-negative scale keeps later plain rendering unsurprising.
        return Optional.of(amount.scale() < 0 ? amount.setScale(0) : amount);
    }

    private static Optional<String> currency(JsonNode node, FieldReader fields) {
        Optional<String> text = fields.string(node, "/custom/currency", Integer.MAX_VALUE);
        if (text.isEmpty()) {
            return text;
        }
        // Three ASCII letters before upper-casing: Unicode maps the long s and the dotless i to S and I.
        String code = text.get().toUpperCase(Locale.ROOT);
        if (!isAsciiLetters(text.get()) || !CURRENCIES.contains(code)) {
            fields.error("/custom/currency", ProblemCode.INVALID_CURRENCY, "must be an ISO 4217 currency code such as EUR");
            return Optional.empty();
        }
        return Optional.of(code);
    }

    private static boolean isAsciiLetters(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }

    private static List<String> contentIds(JsonNode node, FieldReader fields) {
        if (FieldReader.absent(node)) {
            return List.of();
        }
        if (!node.isArray()) {
            fields.error("/custom/content_ids", ProblemCode.INVALID_TYPE, "must be an array of strings");
            return List.of();
        }
        ArrayNode array = (ArrayNode) node;
        if (array.size() > MAX_CONTENT_IDS) {
            fields.error("/custom/content_ids", ProblemCode.TOO_MANY, "must have at most " + MAX_CONTENT_IDS + " entries");
            return List.of();
        }
        List<String> ids = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String pointer = "/custom/content_ids/" + i;
            JsonNode element = array.get(i);
            if (!element.isTextual()) {
                fields.error(pointer, ProblemCode.INVALID_TYPE, "must be a string");
            } else {
                fields.token(element, pointer, MAX_CONTENT_ID_LENGTH).ifPresent(ids::add);
            }
        }
        return ids;
    }

    private static Optional<Integer> numItems(JsonNode node, FieldReader fields) {
        if (FieldReader.absent(node)) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber()) {
            fields.error("/custom/num_items", ProblemCode.INVALID_TYPE, "must be a whole number");
            return Optional.empty();
        }
        if (!node.canConvertToInt() || node.intValue() < 0 || node.intValue() > MAX_NUM_ITEMS) {
            fields.error("/custom/num_items", ProblemCode.OUT_OF_RANGE, "must be between 0 and " + MAX_NUM_ITEMS);
            return Optional.empty();
        }
        return Optional.of(node.intValue());
    }
}
