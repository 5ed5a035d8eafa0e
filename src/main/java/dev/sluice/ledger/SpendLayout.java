package dev.sluice.ledger;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CSV column layouts spend imports understand, and how their columns map to
 * {@link SpendFields}. Headers match case-insensitively, surrounding spaces ignored.
 *
 * <table>
 *   <caption>Column mapping</caption>
 *   <tr><th>field</th><th>sluice</th><th>Meta Ads Manager export</th><th>Google Ads report export</th></tr>
 *   <tr><td>date</td><td>date</td><td>Day, else Reporting starts</td><td>Day, else Date</td></tr>
 *   <tr><td>platform</td><td>platform</td><td>always meta</td><td>always google_ads</td></tr>
 *   <tr><td>campaign_id</td><td>campaign_id</td><td>Campaign ID</td><td>Campaign ID</td></tr>
 *   <tr><td>campaign_name</td><td>campaign_name</td><td>Campaign name</td><td>Campaign</td></tr>
 *   <tr><td>spend</td><td>spend</td><td>Amount spent (EUR), else Amount spent</td><td>Cost</td></tr>
 *   <tr><td>currency</td><td>currency</td><td>Currency, else the code in "Amount spent (EUR)"</td><td>Currency code, else Currency</td></tr>
 *   <tr><td>clicks</td><td>clicks</td><td>Link clicks when the header has it (an empty cell is 0), else Clicks (all)</td><td>Clicks</td></tr>
 *   <tr><td>impressions</td><td>impressions</td><td>Impressions</td><td>Impr., else Impressions</td></tr>
 * </table>
 */
enum SpendLayout {
    SLUICE(Optional.empty()),
    META(Optional.of("meta")),
    GOOGLE_ADS(Optional.of("google_ads"));

    private static final Pattern AMOUNT_SPENT = Pattern.compile("amount spent(?: \\(([a-z]{3})\\))?");

    private final Optional<String> platform;

    SpendLayout(Optional<String> platform) {
        this.platform = platform;
    }

    /** The layout named by a query parameter ({@code sluice}, {@code meta}, {@code google_ads}). */
    static Optional<SpendLayout> named(String name) {
        for (SpendLayout layout : values()) {
            if (layout.name().toLowerCase(Locale.ROOT).equals(name)) {
                return Optional.of(layout);
            }
        }
        return Optional.empty();
    }

    /** The layout whose header this record is, if any. */
    static Optional<SpendLayout> detect(List<String> record) {
        Map<String, Integer> h = header(record);
        if (h.containsKey("platform") && h.containsKey("spend")) {
            return Optional.of(SLUICE);
        }
        if (h.keySet().stream().anyMatch(k -> AMOUNT_SPENT.matcher(k).matches())) {
            return Optional.of(META);
        }
        if (h.containsKey("cost") && h.containsKey("campaign id")) {
            return Optional.of(GOOGLE_ADS);
        }
        return Optional.empty();
    }

    /** Maps one data record to {@link SpendFields} names, using this layout's header. */
    Map<String, String> fields(Map<String, Integer> h, List<String> record) {
        Map<String, String> fields = new HashMap<>();
        switch (this) {
            case SLUICE -> {
                for (String f : List.of(SpendFields.DATE, SpendFields.PLATFORM, SpendFields.CAMPAIGN_ID,
                        SpendFields.CAMPAIGN_NAME, SpendFields.SPEND, SpendFields.CURRENCY, SpendFields.CLICKS,
                        SpendFields.IMPRESSIONS)) {
                    put(fields, f, h, record, f);
                }
            }
            case META -> {
                put(fields, SpendFields.DATE, h, record, "day", "reporting starts");
                put(fields, SpendFields.CAMPAIGN_ID, h, record, "campaign id");
                put(fields, SpendFields.CAMPAIGN_NAME, h, record, "campaign name");
                put(fields, SpendFields.CLICKS, h, record, "link clicks", "clicks (all)");
                put(fields, SpendFields.IMPRESSIONS, h, record, "impressions");
                put(fields, SpendFields.CURRENCY, h, record, "currency");
                if (fields.getOrDefault(SpendFields.CURRENCY, "").isBlank()) {
                    fields.remove(SpendFields.CURRENCY); // then the "Amount spent (EUR)" header's
                }
                for (Map.Entry<String, Integer> column : h.entrySet()) {
                    Matcher m = AMOUNT_SPENT.matcher(column.getKey());
                    if (m.matches()) {
                        fields.put(SpendFields.SPEND, cell(record, column.getValue()));
                        if (m.group(1) != null) {
                            fields.putIfAbsent(SpendFields.CURRENCY, m.group(1).toUpperCase(Locale.ROOT));
                        }
                    }
                }
            }
            case GOOGLE_ADS -> {
                put(fields, SpendFields.DATE, h, record, "day", "date");
                put(fields, SpendFields.CAMPAIGN_ID, h, record, "campaign id");
                put(fields, SpendFields.CAMPAIGN_NAME, h, record, "campaign");
                put(fields, SpendFields.SPEND, h, record, "cost");
                put(fields, SpendFields.CURRENCY, h, record, "currency code", "currency");
                put(fields, SpendFields.CLICKS, h, record, "clicks");
                put(fields, SpendFields.IMPRESSIONS, h, record, "impr.", "impressions");
            }
        }
        platform.ifPresent(p -> fields.put(SpendFields.PLATFORM, p));
        return fields;
    }

    /** Meta rows cover a range; only one-day rows (starts = ends) are daily spend. */
    boolean spansSeveralDays(Map<String, Integer> h, List<String> record) {
        if (this != META || h.containsKey("day") || !h.containsKey("reporting starts") || !h.containsKey("reporting ends")) {
            return false;
        }
        return !cell(record, h.get("reporting starts")).strip().equals(cell(record, h.get("reporting ends")).strip());
    }

    /**
     * Google Ads exports end with summary rows whose first cell is "Total: Account", "Total:
     * Campaigns" and so on, and which name no campaign: their campaign id cell is empty, "--", or
     * the first cell itself (when the export starts with the Campaign ID column). Only those: a
     * campaign named "Totally Awesome Sale", or "Total", has its id (both were dropped as summaries
     * until session 40).
     */
    boolean isSummary(Map<String, Integer> h, List<String> record) {
        if (this != GOOGLE_ADS || record.isEmpty()) {
            return false;
        }
        String first = record.get(0).strip().toLowerCase(Locale.ROOT);
        if (!first.equals("total") && !first.startsWith("total:")) {
            return false;
        }
        Integer id = h.get("campaign id");
        String idCell = id == null ? "" : cell(record, id).strip();
        return id == null || id == 0 || idCell.isEmpty() || idCell.equals("--");
    }

    /**
     * The cell of the first of {@code columns} that the header has, even when that cell is empty:
     * the choice is made per file, not per row, so that an empty "Link clicks" cell (Meta's zero)
     * is not filled from "Clicks (all)", a different measure.
     */
    private static void put(Map<String, String> fields, String field, Map<String, Integer> h, List<String> record,
                            String... columns) {
        for (String column : columns) {
            Integer index = h.get(column);
            if (index != null) {
                fields.put(field, cell(record, index));
                return;
            }
        }
    }

    private static String cell(List<String> record, int index) {
        return index < record.size() ? record.get(index) : "";
    }

    /**
     * A header's columns by lower-cased, stripped name (the first of a repeated name); built once
     * per file and handed to {@link #fields}, {@link #isSummary} and {@link #spansSeveralDays}.
     */
    static Map<String, Integer> header(List<String> record) {
        Map<String, Integer> h = new HashMap<>();
        for (int i = 0; i < record.size(); i++) {
            h.putIfAbsent(record.get(i).strip().toLowerCase(Locale.ROOT), i);
        }
        return h;
    }
}
