package dev.sluice.ledger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.config.LedgerSettings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders a {@link KpiReport} as JSON, CSV or a terminal table, all with the same columns.
 * Decimals are written as strings (exact, never a binary float); a {@code null} KPI is JSON
 * {@code null} and an empty CSV cell.
 */
public final class KpiFormat {
    private static final JsonFactory FACTORY = new JsonFactory();

    private KpiFormat() {
    }

    /** The column names of one report, group columns first. */
    public static List<String> columns(GroupBy by) {
        List<String> columns = new ArrayList<>(switch (by) {
            case PLATFORM -> List.of("platform");
            case CAMPAIGN -> List.of("platform", "campaign", "campaign_name");
            case DAY -> List.of("day");
        });
        columns.addAll(List.of("spend", "revenue", "refunds", "purchases", "leads", "conversions", "clicks",
                "impressions", "customers"));
        for (Kpi k : Kpi.values()) {
            columns.add(k.wireName());
        }
        columns.add("unconverted");
        return columns;
    }

    /** The report as JSON: query, rounding rule, rates used, rows and totals. */
    public static byte[] json(KpiReport report) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            KpiQuery q = report.query();
            g.writeStartObject();
            g.writeStringField("from", q.from().toString());
            g.writeStringField("to", q.to().toString());
            g.writeStringField("group_by", q.groupBy().wireName());
            g.writeStringField("currency", q.currency());
            g.writeStringField("rounding", KpiReport.ROUNDING);
            g.writeArrayFieldStart("rates_used");
            for (LedgerSettings.FxRate r : report.ratesUsed()) {
                g.writeStartObject();
                g.writeStringField("from", r.from());
                g.writeStringField("to", r.to());
                g.writeStringField("rate", r.rate().toPlainString());
                g.writeStringField("effective", r.effective().map(Object::toString).orElse("fixed"));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("rows");
            for (KpiRow row : report.rows()) {
                jsonRow(g, row);
            }
            g.writeEndArray();
            g.writeFieldName("totals");
            jsonRow(g, report.totals());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void jsonRow(JsonGenerator g, KpiRow row) throws IOException {
        g.writeStartObject();
        optional(g, "platform", row.platform());
        optional(g, "campaign", row.campaign());
        optional(g, "campaign_name", row.campaignName());
        optional(g, "day", row.day().map(Object::toString));
        KpiRow.Figures f = row.figures();
        g.writeStringField("spend", f.spend().toPlainString());
        g.writeStringField("revenue", f.revenue().toPlainString());
        g.writeStringField("refunds", f.refunds().toPlainString());
        g.writeNumberField("purchases", f.purchases());
        g.writeNumberField("leads", f.leads());
        g.writeNumberField("conversions", f.conversions());
        g.writeNumberField("clicks", f.clicks());
        g.writeNumberField("impressions", f.impressions());
        g.writeNumberField("customers", f.customers());
        for (Kpi k : Kpi.values()) {
            Optional<BigDecimal> v = row.kpi(k);
            if (v.isPresent()) {
                g.writeStringField(k.wireName(), v.get().toPlainString());
            } else {
                g.writeNullField(k.wireName());
            }
        }
        g.writeArrayFieldStart("unconverted");
        for (KpiRow.Unconverted u : row.unconverted()) {
            g.writeStartObject();
            g.writeStringField("currency", u.currency());
            g.writeStringField("revenue", u.revenue().toPlainString());
            g.writeStringField("refunds", u.refunds().toPlainString());
            g.writeStringField("spend", u.spend().toPlainString());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void optional(JsonGenerator g, String name, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            g.writeStringField(name, value.get());
        }
    }

    /** The report as CSV (RFC 4180): a header, one line per row, then a {@code TOTAL} line. */
    public static byte[] csv(KpiReport report) {
        StringBuilder out = new StringBuilder();
        for (List<String> line : cells(report)) {
            out.append(line.stream().map(KpiFormat::quote).collect(Collectors.joining(","))).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The report as an aligned text table for a terminal, with the rounding rule and rates below it. */
    public static String table(KpiReport report) {
        List<List<String>> lines = cells(report);
        int[] widths = new int[lines.get(0).size()];
        for (List<String> line : lines) {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        // Text columns (the group's, and unconverted) align left, numbers right.
        int textColumns = report.query().groupBy() == GroupBy.CAMPAIGN ? 3 : 1;
        StringBuilder out = new StringBuilder();
        for (List<String> line : lines) {
            for (int i = 0; i < line.size(); i++) {
                String cell = line.get(i).isEmpty() && i > 0 ? "-" : line.get(i);
                boolean left = i < textColumns || i == line.size() - 1;
                out.append(i == 0 ? "" : "  ").append(String.format("%" + (left ? "-" : "") + widths[i] + "s", cell));
            }
            out.append('\n');
        }
        out.append("currency ").append(report.query().currency()).append("; ").append(KpiReport.ROUNDING).append('\n');
        for (LedgerSettings.FxRate r : report.ratesUsed()) {
            out.append("rate 1 ").append(r.from()).append(" = ").append(r.rate().toPlainString()).append(' ').append(r.to())
                    .append(r.effective().map(d -> " from " + d).orElse(" (fixed)")).append('\n');
        }
        return out.toString();
    }

    private static List<List<String>> cells(KpiReport report) {
        GroupBy by = report.query().groupBy();
        List<List<String>> lines = new ArrayList<>();
        lines.add(columns(by));
        for (KpiRow row : report.rows()) {
            lines.add(line(by, row, false));
        }
        lines.add(line(by, report.totals(), true));
        return lines;
    }

    private static List<String> line(GroupBy by, KpiRow row, boolean total) {
        List<String> cells = new ArrayList<>();
        switch (by) {
            case PLATFORM -> cells.add(total ? "TOTAL" : row.platform().orElse(""));
            case CAMPAIGN -> {
                cells.add(total ? "TOTAL" : row.platform().orElse(""));
                cells.add(row.campaign().orElse(""));
                cells.add(row.campaignName().orElse(""));
            }
            case DAY -> cells.add(total ? "TOTAL" : row.day().map(Object::toString).orElse(""));
        }
        KpiRow.Figures f = row.figures();
        cells.addAll(List.of(f.spend().toPlainString(), f.revenue().toPlainString(), f.refunds().toPlainString(),
                Long.toString(f.purchases()), Long.toString(f.leads()), Long.toString(f.conversions()),
                Long.toString(f.clicks()), Long.toString(f.impressions()), Long.toString(f.customers())));
        for (Kpi k : Kpi.values()) {
            cells.add(row.kpi(k).map(BigDecimal::toPlainString).orElse(""));
        }
        cells.add(row.unconverted().stream()
                .map(u -> u.currency() + " revenue " + u.revenue().toPlainString() + " refunds " + u.refunds().toPlainString()
                        + " spend " + u.spend().toPlainString())
                .collect(Collectors.joining("; ")));
        return cells;
    }

    private static String quote(String cell) {
        boolean needs = cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0;
        // A leading = + - @ (or tab, carriage return) would be run as a formula by spreadsheets; campaign
        // names are merchant input. The audit export escapes the same characters (AuditExport.cell).
        boolean formula = !cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0 && !cell.matches("-?[0-9.]+");
        String safe = formula ? "'" + cell : cell;
        return needs || formula ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
    }
}
