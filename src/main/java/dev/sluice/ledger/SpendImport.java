package dev.sluice.ledger;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.event.FieldProblem;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a spend import body: JSON {@code {"rows":[{...}]}} with the {@link SpendFields} names, or
 * CSV in one of the {@link SpendLayout}s. Either every row is valid and the import goes ahead, or
 * nothing is imported and every problem is reported, by row and field ({@code /rows/3/spend};
 * rows count from 0, CSV rows after the header row).
 */
public final class SpendImport {

    /** Most rows one import takes (a year of 270 campaigns a day). */
    public static final int MAX_ROWS = 100_000;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    // A Google Ads export starts with a title and a date-range line before its header.
    private static final int MAX_PREAMBLE = 10;

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
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            return new Parsed.Invalid("the body is not JSON", List.of());
        }
        JsonNode rows = root == null ? null : root.get("rows");
        if (rows == null || !rows.isArray() || rows.isEmpty() || rows.size() > MAX_ROWS) {
            return new Parsed.Invalid("the body must be {\"rows\": [...]} with 1 to " + MAX_ROWS + " rows", List.of());
        }
        List<Map<String, String>> records = new ArrayList<>();
        for (JsonNode row : rows) {
            Map<String, String> fields = new HashMap<>();
            if (row.isObject()) {
                row.properties().forEach(e -> {
                    JsonNode v = e.getValue();
                    if (v.isNumber()) {
                        fields.put(e.getKey(), v.decimalValue().toPlainString());
                    } else if (v.isTextual()) {
                        fields.put(e.getKey(), v.textValue());
                    } else if (!v.isNull()) {
                        fields.put(e.getKey(), "\u0000"); // neither text nor number: fails validation
                    }
                });
            }
            records.add(fields);
        }
        return validate(records);
    }

    /** Reads a UTF-8 CSV body; {@code layout} names one, else it is detected from the header. */
    public static Parsed csv(byte[] body, Optional<String> layoutName) {
        Optional<SpendLayout> forced = layoutName.flatMap(SpendLayout::named);
        if (layoutName.isPresent() && forced.isEmpty()) {
            return new Parsed.Invalid("layout must be sluice, meta or google_ads", List.of());
        }
        List<List<String>> records;
        try {
            records = CsvLines.parse(utf8(body));
        } catch (CsvLines.MalformedCsvException | CharacterCodingException e) {
            return new Parsed.Invalid("the body is not UTF-8 CSV: a quoted field is open or a byte is not UTF-8", List.of());
        }
        for (int h = 0; h < Math.min(records.size(), MAX_PREAMBLE); h++) {
            Optional<SpendLayout> detected = SpendLayout.detect(records.get(h));
            if (detected.isEmpty() || forced.isPresent() && forced.get() != detected.get()) {
                continue;
            }
            SpendLayout layout = detected.get();
            List<String> header = records.get(h);
            List<Map<String, String>> rows = new ArrayList<>();
            List<FieldProblem> spans = new ArrayList<>();
            for (List<String> record : records.subList(h + 1, records.size())) {
                if (layout.isSummary(record)) {
                    continue;
                }
                if (layout.spansSeveralDays(header, record)) {
                    spans.add(new FieldProblem("/rows/" + rows.size() + "/date", "not_daily",
                            "covers several days; export with the Day breakdown"));
                }
                rows.add(layout.fields(header, record));
            }
            if (rows.isEmpty() || rows.size() > MAX_ROWS) {
                return new Parsed.Invalid("the CSV must have 1 to " + MAX_ROWS + " rows after its header", List.of());
            }
            Parsed parsed = validate(rows);
            if (spans.isEmpty()) {
                return parsed;
            }
            List<FieldProblem> all = new ArrayList<>(spans);
            if (parsed instanceof Parsed.Invalid invalid) {
                all.addAll(invalid.problems());
            }
            return new Parsed.Invalid("some rows are invalid; nothing was imported", all);
        }
        return new Parsed.Invalid("no header row of a known layout (sluice, meta, google_ads) was found", List.of());
    }

    private static Parsed validate(List<Map<String, String>> records) {
        List<FieldProblem> problems = new ArrayList<>();
        List<SpendRow> rows = new ArrayList<>(records.size());
        Map<SpendRow.Key, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            Optional<SpendRow> row = SpendFields.row(records.get(i), "/rows/" + i, problems);
            if (row.isEmpty()) {
                continue;
            }
            Integer first = seen.putIfAbsent(row.get().key(), i);
            if (first != null) {
                problems.add(new FieldProblem("/rows/" + i, "duplicate_row", "repeats the date, platform and campaign_id of row "
                        + first + "; export without segments (one row per campaign and day)"));
                continue;
            }
            rows.add(row.get());
        }
        return problems.isEmpty() ? new Parsed.Rows(rows)
                : new Parsed.Invalid("some rows are invalid; nothing was imported", problems);
    }

    private static String utf8(byte[] body) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body)).toString();
    }
}
