package dev.sluice.privacy;

import dev.sluice.testing.NastyValues;
import dev.sluice.testing.NastyValues.Nasty;
import org.junit.jupiter.api.Test;

import java.text.Normalizer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What is hashed is never garbage: every nasty value ({@link NastyValues}) and seeded random
 * string, in every personal field and for every shape a platform takes, is either refused with a
 * stable code or rendered as non-empty NFC text without control, invisible or bidirectional
 * characters and without surrounding or doubled spaces (a digest of such text can never match).
 */
class RenderedFormsFuzzTest {
    private static final LocalDate LATEST_BIRTH = LocalDate.parse("2026-11-29");
    private static final Set<String> CODES = Set.of("invalid_email", "invalid_phone", "invalid_name", "invalid_city",
            "invalid_state", "invalid_zip", "invalid_country", "invalid_date", "invalid_gender", "value_too_long");

    @Test
    void everyShapeOfEveryValueIsCleanOrRefused() {
        List<String> values = new ArrayList<>();
        NastyValues.dictionary().stream().map(Nasty::text).filter(t -> t != null).forEach(values::add);
        Random random = new Random(0xF0_5EEDL);
        for (int i = 0; i < 3000; i++) {
            values.add(NastyValues.random(random).text());
        }
        Map<String, String> failures = new LinkedHashMap<>();
        for (PiiField field : PiiField.values()) {
            Set<Form> forms = EnumSet.noneOf(Form.class);
            for (HashingProfile profile : HashingProfile.values()) {
                ProfileRules.of(profile).stream().filter(r -> r.field() == field).forEach(r -> forms.add(r.form()));
            }
            for (String value : values) {
                for (String region : new String[] {"US", "DE", null}) {
                    check(field, forms, value, region, failures);
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " kinds of failure, each with its first case:\n" + failures.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("\n")));
        }
    }

    private static void check(PiiField field, Set<Form> forms, String value, String region, Map<String, String> failures) {
        if (!wellFormed(value)) {
            return; // the event parser refuses unpaired surrogates before anything is normalized
        }
        String trimmed = Texts.stripSpace(value);
        if (trimmed.isEmpty() || FieldParser.isEmptyDigest(trimmed) || (field == PiiField.EXTERNAL_ID && !readerKeeps(trimmed))) {
            return;
        }
        Canonical parsed;
        try {
            parsed = FieldParser.parse(field, trimmed, region, LATEST_BIRTH);
        } catch (InvalidValueException e) {
            if (!CODES.contains(e.code())) {
                failures.putIfAbsent(field + " unlisted code " + e.code(), NastyValues.jsonString(value));
            }
            if (trimmed.length() >= 4 && e.getMessage().contains(trimmed)) {
                failures.putIfAbsent(field + " message quotes the value", NastyValues.jsonString(value));
            }
            return;
        } catch (RuntimeException e) {
            failures.putIfAbsent(field + " threw " + e.getClass().getSimpleName(),
                    NastyValues.jsonString(value) + " (" + region + "): " + e);
            return;
        }
        for (Form form : forms) {
            String rendered;
            try {
                rendered = parsed.render(form);
            } catch (RuntimeException e) {
                failures.putIfAbsent(field + "/" + form + " threw " + e.getClass().getSimpleName(),
                        NastyValues.jsonString(value) + " (" + region + "): " + e);
                continue;
            }
            String why = field == PiiField.EXTERNAL_ID ? opaqueGarbage(rendered) : garbage(rendered);
            if (why != null) {
                failures.merge(field + "/" + form + " " + why, NastyValues.jsonString(value) + " (" + region
                        + ") renders " + NastyValues.jsonString(rendered), (a, b) -> a.length() <= b.length() ? a : b);
            }
        }
    }

    /** Why {@code s}, a normalized value, is not fit to hash, or null. */
    static String garbage(String s) {
        if (s == null || s.isEmpty()) {
            return "empty";
        }
        if (!s.equals(s.strip()) || !s.equals(Texts.stripSpace(s))) {
            return "surrounding space";
        }
        if (!wellFormed(s)) {
            return "unpaired surrogate";
        }
        if (!Normalizer.isNormalized(s, Normalizer.Form.NFC)) {
            return "not NFC";
        }
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c)) {
                return "control character";
            }
            if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                return "invisible or bidirectional character";
            }
            boolean isSpace = Character.isWhitespace(c) || Character.isSpaceChar(c);
            if (isSpace && (space || c != ' ')) {
                return "a space other than one U+0020";
            }
            space = isSpace;
        }
        return null;
    }

    /**
     * An external id is hashed as given (case, spacing and composition kept): it must only be
     * non-empty, trimmed and well-formed.
     */
    static String opaqueGarbage(String s) {
        if (s == null || s.isEmpty()) {
            return "empty";
        }
        if (!s.equals(Texts.stripSpace(s))) {
            return "surrounding space";
        }
        return wellFormed(s) ? null : "unpaired surrogate";
    }

    /**
     * Whether the event reader passes an external id on (UserReader, UserRulesTest): it refuses
     * one with a control character, a bidirectional control or a line separator, and leaves out
     * one with nothing visible.
     */
    private static boolean readerKeeps(String s) {
        boolean visible = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c) || c == '\u061C' || c == '\u200E' || c == '\u200F'
                    || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                return false;
            }
            visible |= !(Character.isWhitespace(c) || type == Character.SPACE_SEPARATOR || type == Character.FORMAT);
        }
        return visible;
    }

    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
