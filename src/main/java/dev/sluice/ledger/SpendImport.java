package dev.sluice.ledger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.sluice.event.DuplicateKeys;
import dev.sluice.event.FieldProblem;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a spend import body: JSON {@code {"rows":[{...}]}} with the {@link SpendFields} names, or
 * CSV in one of the {@link SpendLayout}s. Either every row is valid and the import goes ahead, or
 * nothing is imported and the problems are reported, by row and field ({@code /rows/3/spend};
 * rows count from 0, CSV rows after the header row), the first {@value #MAX_PROBLEMS} of them.
 *
 * <p>The body is read as a stream, one JSON row or CSV record at a time, and each row is
 * validated as it is read: what stays in memory is the valid rows, with their repeated texts
 * (platform, campaign ids and names, currency) and days held once. A full import of
 * {@value #MAX_ROWS} rows keeps about 12 MB (measured on a CSV of that size), so it fits beside
 * ingest in the gateway's small heap; a tree of the JSON, or every CSV record as a list of
 * strings, took several times that.
 */
public final class SpendImport {

    /** Most rows one import takes (a year of 270 campaigns a day). */
    public static final int MAX_ROWS = 100_000;
    /** Most problems one answer lists; a count of all of them is in its detail. */
    static final int MAX_PROBLEMS = 1_000;

    /** Characters a JSON string may have: every spend field is far shorter; this bounds a hostile one. */
    static final int MAX_STRING_CHARS = CsvLines.MAX_FIELD_CHARS;
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // The caller owns the body's stream: closed by the parser, a body cut short failed in
            // Helidon's close, outside the reads the caller tells a cut-short body by, and was
            // answered 500 (until session 39).
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_CHARS).build())
            .build();
    // A Google Ads export starts with a title and a date-range line before its header.
    private static final int MAX_PREAMBLE = 10;
    /** Digits a number may have before or after the point; more fails validation as text would. */
    private static final int MAX_DIGITS = 40;

    private SpendImport() {
    }

    /** What a body holds: rows to import, or why not. */
    public sealed interface Parsed {
        /** Every row is valid. */
        record Rows(List<SpendRow> rows) implements Parsed {
        }

        /** The body or some rows are invalid; nothing may be imported. */
        record Invalid(String detail, List<FieldProblem> problems) implements Parsed {
        }
    }

    /** Reads a JSON body. */
    public static Parsed json(byte[] body) {
        try {
            return json(new ByteArrayInputStream(body));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array", e);
        }
    }

    /**
     * Reads a JSON body from {@code in}; throws what reading {@code in} throws (a body over its
     * limit, a client gone), never for what the body holds.
     */
    public static Parsed json(InputStream in) throws IOException {
        Rows rows = new Rows();
        boolean sawRows = false;
        try (JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return notRows();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!name.equals("rows")) {
                    // A key beside "rows" is a misplaced or misspelt one: nothing of the body is imported.
                    return new Parsed.Invalid("the body must be {\"rows\": [...]}; it has another member, "
                            + "which is not read (a row's fields go inside each row)", List.of(new FieldProblem(
                            FieldProblem.member("", name), "unknown_field", "is not a member of a spend import")));
                }
                if (value != JsonToken.START_ARRAY) {
                    return notRows();
                }
                sawRows = true;
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (rows.count == MAX_ROWS) {
                        return notRows();
                    }
                    rows.addJson(t == JsonToken.START_OBJECT ? fields(p) : skip(p));
                }
            }
            if (p.nextToken() != null) {
                // {"rows": [...]} x: what follows the object was ignored until session 39.
                return new Parsed.Invalid("the body has content after the JSON object", List.of());
            }
        } catch (StreamConstraintsException e) {
            return new Parsed.Invalid("a value in the body is longer than " + MAX_STRING_CHARS
                    + " characters, or nested too deep", List.of());
        } catch (JsonProcessingException e) {
            Optional<FieldProblem> twice = DuplicateKeys.problem(e);
            return twice.isPresent()
                    ? new Parsed.Invalid("a key appears twice in an object; nothing was imported", List.of(twice.get()))
                    : new Parsed.Invalid("the body is not JSON", List.of());
        }
        return sawRows && rows.count > 0 ? rows.result() : notRows();
    }

    /** One row object's fields as text; a value that is neither text nor number fails validation. */
    private static Map<String, String> fields(JsonParser p) throws IOException {
        Map<String, String> fields = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            switch (p.nextToken()) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> fields.put(key, plain(p.getDecimalValue()));
                case VALUE_STRING -> fields.put(key, p.getText());
                case VALUE_NULL -> { }
                default -> {
                    fields.put(key, "\u0000");
                    p.skipChildren();
                }
            }
        }
        return fields;
    }

    private static Map<String, String> skip(JsonParser p) throws IOException {
        p.skipChildren();
        return Map.of();
    }

    /** A number as plain text; one such as 1e999999999 would be a billion digits, so it becomes invalid text instead. */
    private static String plain(BigDecimal number) {
        return number.scale() > MAX_DIGITS || number.precision() - number.scale() > MAX_DIGITS ? "\u0000" : number.toPlainString();
    }

    private static Parsed notRows() {
        return new Parsed.Invalid("the body must be {\"rows\": [...]} with 1 to " + MAX_ROWS + " rows", List.of());
    }

    /** Whether {@code name} is a CSV layout {@code ?layout=} may name: sluice, meta or google_ads. */
    public static boolean knownLayout(String name) {
        return SpendLayout.named(name).isPresent();
    }

    /** Reads a UTF-8 CSV body; {@code layout} names one, else it is detected from the header. */
    public static Parsed csv(byte[] body, Optional<String> layoutName) {
        try {
            return csv(new ByteArrayInputStream(body), layoutName);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array", e);
        }
    }

    /** Reads a UTF-8 CSV body from {@code in}; throws what reading {@code in} throws, as {@link #json(InputStream)}. */
    public static Parsed csv(InputStream in, Optional<String> layoutName) throws IOException {
        Optional<SpendLayout> forced = layoutName.flatMap(SpendLayout::named);
        if (layoutName.isPresent() && forced.isEmpty()) {
            return new Parsed.Invalid("layout must be sluice, meta or google_ads", List.of());
        }
        CsvLines lines = new CsvLines(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT))));
        Optional<SpendLayout> other = Optional.empty();
        boolean otherDelimiter = false;
        try {
            for (int h = 0; h < MAX_PREAMBLE; h++) {
                List<String> header = lines.next();
                if (header == null) {
                    break;
                }
                Optional<SpendLayout> detected = SpendLayout.detect(header);
                if (detected.isPresent() && (forced.isEmpty() || forced.get() == detected.get())) {
                    return csvRows(lines, detected.get(), header);
                }
                other = other.or(() -> detected);
                otherDelimiter |= header.size() == 1 && (header.get(0).contains(";") || header.get(0).contains("\t"));
            }
        } catch (CsvLines.MalformedCsvException e) {
            return new Parsed.Invalid("the body is not UTF-8 CSV: " + e.getMessage(), List.of());
        } catch (CharacterCodingException e) {
            return new Parsed.Invalid("the body is not UTF-8 CSV: a byte is not UTF-8", List.of());
        }
        if (other.isPresent()) {
            return new Parsed.Invalid("the header is of the " + other.get().name().toLowerCase(java.util.Locale.ROOT)
                    + " layout, not the " + forced.orElseThrow().name().toLowerCase(java.util.Locale.ROOT)
                    + " layout that layout= names", List.of());
        }
        return new Parsed.Invalid("no header row of a known layout (sluice, meta, google_ads) was found"
                + (otherDelimiter ? "; cells must be separated by commas, not semicolons or tabs" : ""), List.of());
    }

    private static Parsed csvRows(CsvLines lines, SpendLayout layout, List<String> header)
            throws IOException, CsvLines.MalformedCsvException {
        Rows rows = new Rows();
        Map<String, Integer> columns = SpendLayout.header(header);
        for (List<String> record = lines.next(); record != null; record = lines.next()) {
            if (layout.isSummary(columns, record)) {
                continue;
            }
            if (rows.count == MAX_ROWS) {
                return tooManyCsvRows();
            }
            if (extraCells(header, record)) {
                // An unquoted comma in a campaign name, say: what follows it moved one column on,
                // and what fell off the end was dropped without a word (until session 39).
                rows.problem(rows.count, new FieldProblem("/rows/" + rows.count, "extra_cells", "has " + record.size()
                        + " cells where the header has " + header.size() + "; quote a value that holds a comma"));
            }
            if (layout.spansSeveralDays(columns, record)) {
                rows.problem(rows.count, new FieldProblem("/rows/" + rows.count + "/date", "not_daily",
                        "covers several days; export with the Day breakdown"));
            }
            rows.add(layout.fields(columns, record));
        }
        return rows.count == 0 ? tooManyCsvRows() : rows.result();
    }

    /** Whether {@code record} has a non-empty cell beyond the header's columns (empty ones, as a trailing comma makes, are fine). */
    private static boolean extraCells(List<String> header, List<String> record) {
        for (int i = header.size(); i < record.size(); i++) {
            if (!record.get(i).isBlank()) {
                return true;
            }
        }
        return false;
    }

    private static Parsed tooManyCsvRows() {
        return new Parsed.Invalid("the CSV must have 1 to " + MAX_ROWS + " rows after its header", List.of());
    }

    /** The rows read so far: valid ones kept compactly, problems numbered by row. */
    private static final class Rows {
        int count;
        final List<SpendRow> valid = new ArrayList<>();
        final List<Numbered> problems = new ArrayList<>();
        long problemCount;
        /** The row number (from 0, as in pointers) of each valid row. */
        private int[] rowNumbers = new int[16];
        private final Map<String, String> texts = new HashMap<>();
        private final Map<LocalDate, LocalDate> days = new HashMap<>();

        record Numbered(int row, FieldProblem problem) {
        }

        /**
         * Validates the next row of a JSON body, whose members must be fields: a misspelt one
         * ({@code "click": 100}) was dropped until session 35, the row imported with no clicks.
         */
        void addJson(Map<String, String> fields) {
            int row = count;
            if (SpendFields.ALL.containsAll(fields.keySet())) {
                add(fields);
                return;
            }
            for (String key : new java.util.TreeSet<>(fields.keySet())) {
                if (!SpendFields.ALL.contains(key)) {
                    problem(row, new FieldProblem(FieldProblem.member("/rows/" + row, key),
                            "unknown_field", "is not a field of a spend row; the fields are " + String.join(", ", SpendFields.ALL)));
                }
            }
            add(fields);
        }

        /** Validates the next row. */
        void add(Map<String, String> fields) {
            int row = count++;
            List<FieldProblem> found = new ArrayList<>(0);
            Optional<SpendRow> parsed = SpendFields.row(fields, "/rows/" + row, found);
            found.forEach(p -> problem(row, p));
            if (parsed.isPresent() && found.isEmpty()) {
                SpendRow r = parsed.get();
                valid.add(new SpendRow(days.computeIfAbsent(r.day(), d -> d), text(r.platform()), text(r.campaign()),
                        text(r.campaignName()), r.spend(), text(r.currency()), r.clicks(), r.impressions()));
                rowNumbers = grow(rowNumbers, valid.size());
                rowNumbers[valid.size() - 1] = row;
            }
        }

        void problem(int row, FieldProblem problem) {
            problemCount++;
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(new Numbered(row, problem));
            }
        }

        private String text(String value) {
            return texts.computeIfAbsent(value, v -> v);
        }

        /**
         * The rows, or the problems: each valid row that repeats an earlier one's key is one too.
         * Repeats are found by sorting the rows' positions by key, not with a set of keys beside
         * the rows.
         */
        Parsed result() {
            Integer[] order = new Integer[valid.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Comparator<Integer> byKey = Comparator.comparing((Integer i) -> valid.get(i).day())
                    .thenComparing(i -> valid.get(i).platform())
                    .thenComparing(i -> valid.get(i).campaign())
                    .thenComparingInt(i -> i);
            Arrays.sort(order, byKey);
            // Each repeat as its row number (high half) and the row it repeats (low half): a 100,000-row
            // export of segments is mostly repeats, and a problem object for each would be tens of MB.
            long[] repeats = new long[16];
            int repeatCount = 0;
            for (int k = 1, first = 0; k < order.length; k++) {
                SpendRow a = valid.get(order[first]);
                SpendRow b = valid.get(order[k]);
                if (a.key().equals(b.key())) {
                    if (repeatCount == repeats.length) {
                        repeats = Arrays.copyOf(repeats, repeats.length * 2);
                    }
                    repeats[repeatCount++] = (long) rowNumbers[order[k]] << 32 | rowNumbers[order[first]];
                } else {
                    first = k;
                }
            }
            if (problemCount == 0 && repeatCount == 0) {
                return new Parsed.Rows(valid);
            }
            long all = problemCount + repeatCount;
            // The first repeats by row number, as problems.
            Arrays.sort(repeats, 0, repeatCount);
            List<Numbered> merged = new ArrayList<>(problems);
            for (int i = 0; i < Math.min(repeatCount, MAX_PROBLEMS); i++) {
                int row = (int) (repeats[i] >>> 32);
                merged.add(new Numbered(row, new FieldProblem("/rows/" + row, "duplicate_row", "repeats the date, "
                        + "platform and campaign_id of row " + (int) repeats[i]
                        + "; export without segments (one row per campaign and day)")));
            }
            merged.sort(Comparator.comparingInt(Numbered::row));
            List<FieldProblem> listed = merged.subList(0, (int) Math.min(merged.size(), MAX_PROBLEMS)).stream()
                    .map(Numbered::problem).toList();
            String detail = "some rows are invalid; nothing was imported"
                    + (all > listed.size() ? " (the first " + listed.size() + " of " + all + " problems are listed)" : "");
            return new Parsed.Invalid(detail, listed);
        }

        private static int[] grow(int[] a, int size) {
            return size <= a.length ? a : Arrays.copyOf(a, a.length * 2);
        }
    }
}
