package dev.sluice.privacy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.nullValue;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The NANP national fast path ({@link Phones#fromNanpNational}) against the full libphonenumber
 * parse ({@link Phones#parseWithLibrary}): whenever the fast path answers, the answer must be
 * the library's; and {@link Phones#parse} as a whole must agree with the library on every input.
 */
class NanpFastPathTest {
    private static final long SEED = 0x511CEL;
    private static final int GENERATED = 200_000;
    private static final List<String> NANP_REGIONS =
            List.copyOf(PhoneNumberUtil.getInstance().getRegionCodesForCountryCode(1));
    /** Regions the fast path must never serve, including spellings libphonenumber does not know. */
    private static final String[] OTHER_REGIONS = {null, "GB", "DE", "MX", "BR", "IT", "CN", "ZZ", "us", "Ca"};
    private static final String[] SEPARATORS = {"", "", "", " ", " ", "-", "-", ".", "  ", " - ", "(", ")", "()"};
    private static final String[] NOISE = {"x123", " x123", " ext. 7", " ext 12", "#12", ",,5", ";4", "a", "A",
            " FLOWERS", "\t", "\u00a0", "/", "*", "+", "+1 ", "00", "001 ", "011 ", "0", "1", "12", "٣", "６",
            "tel:", ",", "~", "[", "]"};

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "(650) 555-1212      | US | +16505551212",
            "650-555-1212        | US | +16505551212",
            "650.555.1212        | CA | +16505551212",
            "6505551212          | US | +16505551212",
            "1 (650) 555-1212    | US | +16505551212",
            "1-650-555-1212      | CA | +16505551212",
            "16505551212         | US | +16505551212",
            "(416) 555-0199      | CA | +14165550199",
            "(787) 555-1212      | PR | +17875551212",
            "(212) 555-1212      | JM | +12125551212",
            "(211) 555-1212      | US | +12115551212",
            "(650) 911-1212      | US | +16509111212",
            "(555) 555-5555      | US | +15555555555",
            "((650)) 555--1212   | US | +16505551212",
            "650)555(1212        | US | +16505551212"})
    void fastPath_readsNanpNationalNumbers(String input, String region, String e164) {
        Phones.Number fast = Phones.fromNanpNational(input, region);
        assertThat(input, fast.render(Form.PHONE_E164), equalTo(e164));
        assertThat(input, Phones.parseWithLibrary(input, region), equalTo(fast));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            // Area code or exchange starting with 0 or 1: the library decides (and accepts some).
            "(150) 555-1212      | US", "(050) 555-1212      | US", "(650) 055-1212      | US",
            "(650) 155-1212      | US", "1 (150) 555-1212    | US", "011 555 1212       | US",
            // Extensions, letters, other separators, prefixes.
            "650-555-1212 x123   | US", "650-555-1212 ext. 7 | US", "1-800-FLOWERS      | US",
            "650/555/1212        | US", "650 555 1212#      | US", "+1 650 555 1212    | US",
            // Wrong length, wrong leading digit for 11 digits, local-only, no region.
            "650-555-121         | US", "650-555-12123      | US", "26505551212        | US",
            "555-1212            | US", "6505551212         | null", "6505551212         | GB",
            "6505551212         | us"})
    void fastPath_leavesTheRestToLibphonenumber(String input, String region) {
        assertThat(input, Phones.fromNanpNational(input, region), nullValue());
        assertThat(input, outcome(input, region), equalTo(libraryOutcome(input, region)));
    }

    @Test
    void libphonenumberAcceptsAreaCodesAndExchangesStartingWith0Or1_soTheFastPathMustNotRejectThem() {
        // Pins why the fast path falls back instead of rejecting: "possible" is length only.
        assertThat(Phones.parseWithLibrary("(650) 055-1212", "US").render(Form.PHONE_E164), equalTo("+16500551212"));
        assertThat(Phones.parseWithLibrary("(150) 555-1212", "US").render(Form.PHONE_E164), equalTo("+11505551212"));
        assertThat(Phones.parseWithLibrary("650-555-1212 x123", "US").render(Form.PHONE_E164), equalTo("+16505551212"));
    }

    @Test
    void generatedInputs_fastPathAndWholeParseAgreeWithLibphonenumber(TestReporter reporter) {
        SplittableRandom random = new SplittableRandom(SEED);
        int fastHits = 0;
        int fallbackValid = 0;
        int fallbackInvalid = 0;
        for (int i = 0; i < GENERATED; i++) {
            String input = nanpShaped(random);
            String region = region(random);
            Phones.Number fast = Phones.fromNanpNational(input, region);
            Phones.Number full = Phones.parseWithLibrary(input, region);
            String context = "'" + input + "' in " + region + " (seed " + SEED + ", #" + i + ")";
            if (fast != null) {
                fastHits++;
                assertThat(context, fast, equalTo(full));
            } else if (full != null) {
                fallbackValid++;
            } else {
                fallbackInvalid++;
            }
            assertThat(context, outcome(input, region), equalTo(libraryOutcome(input, region)));
        }
        reporter.publishEntry("nanp-equivalence", GENERATED + " inputs: " + fastHits + " fast path, "
                + fallbackValid + " fell back and were possible, " + fallbackInvalid + " fell back and were invalid");
        // The generator must exercise every branch, or the agreement above proves little.
        assertThat(fastHits, greaterThan(GENERATED / 5));
        assertThat(fallbackValid, greaterThan(GENERATED / 20));
        assertThat(fallbackInvalid, greaterThan(GENERATED / 20));
    }

    @Test
    void everyNanpRegion_readsEveryFastPathShapeAsTheLibraryDoes() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (String region : NANP_REGIONS) {
            for (int i = 0; i < 2_000; i++) {
                String input = nanpShaped(random);
                Phones.Number fast = Phones.fromNanpNational(input, region);
                if (fast != null) {
                    assertThat("'" + input + "' in " + region, fast, equalTo(Phones.parseWithLibrary(input, region)));
                }
            }
        }
    }

    /** The whole parse, as a comparable value: the E.164 string or "invalid". */
    private static String outcome(String input, String region) {
        try {
            return Phones.parse(input, region).render(Form.PHONE_E164);
        } catch (InvalidValueException e) {
            return "invalid";
        }
    }

    /**
     * libphonenumber alone, after the same "00" rewrite {@link Phones#parse} applies first, and,
     * where that reading fails, as dialled in the region with its own international prefix.
     */
    private static String libraryOutcome(String input, String region) {
        String text = input.startsWith("00") ? "+" + input.substring(2) : input;
        Phones.Number number = Phones.parseWithLibrary(text, region);
        if (number == null && !text.equals(input) && region != null) {
            number = Phones.fromRegionIdd(input, region);
        }
        return number == null ? "invalid" : number.render(Form.PHONE_E164);
    }

    private static String region(SplittableRandom random) {
        int pick = random.nextInt(10);
        if (pick < 4) {
            return "US";
        }
        if (pick < 6) {
            return "CA";
        }
        if (pick < 8) {
            return NANP_REGIONS.get(random.nextInt(NANP_REGIONS.size()));
        }
        return OTHER_REGIONS[random.nextInt(OTHER_REGIONS.length)];
    }

    /** A NANP-like number with random formatting, sometimes damaged. */
    private static String nanpShaped(SplittableRandom random) {
        List<String> parts = new ArrayList<>(4);
        int prefix = random.nextInt(10);
        if (prefix < 3) {
            parts.add("1");
        } else if (prefix == 3) {
            parts.add(pick(random, "+1", "+", "001", "011", "0", "2"));
        }
        String npa = code(random);
        boolean parens = random.nextInt(3) == 0;
        parts.add(parens ? "(" + npa + ")" : npa);
        parts.add(code(random));
        parts.add(digits(random, 4));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0 || random.nextInt(20) == 0) {
                text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
            }
            text.append(parts.get(i));
        }
        int damage = random.nextInt(10);
        if (damage == 0) {
            text.deleteCharAt(random.nextInt(text.length()));
        } else if (damage == 1) {
            text.insert(random.nextInt(text.length() + 1), (char) ('0' + random.nextInt(10)));
        } else if (damage == 2) {
            text.insert(random.nextInt(text.length() + 1), NOISE[random.nextInt(NOISE.length)]);
        } else if (damage == 3) {
            text.append(NOISE[random.nextInt(NOISE.length)]);
        }
        return text.toString().strip().isEmpty() ? "0" : text.toString().strip();
    }

    /** An area code or exchange: mostly ordinary, often the special ones (N11, 555, 0xx, 1xx). */
    private static String code(SplittableRandom random) {
        return switch (random.nextInt(8)) {
            case 0 -> random.nextInt(2, 10) + "11";
            case 1 -> "555";
            case 2 -> random.nextInt(2) + digits(random, 2);
            default -> random.nextInt(2, 10) + digits(random, 2);
        };
    }

    private static String digits(SplittableRandom random, int count) {
        StringBuilder digits = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    private static String pick(SplittableRandom random, String... options) {
        return Objects.requireNonNull(options[random.nextInt(options.length)]);
    }
}
