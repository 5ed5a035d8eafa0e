package dev.sluice.ledger;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Spend import bodies: JSON, Sluice CSV and the Meta and Google Ads export layouts, and their problems. */
final class SpendImportTest {

    @Test
    void json_rowsWithNumbersOrStrings() {
        List<SpendRow> rows = rows(SpendImport.json(bytes("""
                {"rows":[{"date":"2026-11-02","platform":"meta","campaign_id":"c1","campaign_name":"BF","spend":40.5,
                          "currency":"eur","clicks":100,"impressions":10000},
                         {"date":"2026-11-02","platform":"tiktok","campaign_id":"t1","spend":"0.000001","currency":"USD"}]}
                """)));

        assertThat(rows.stream().map(SpendImportTest::show).toList(), contains(
                "2026-11-02 meta c1 'BF' 40.5 EUR 100 10000", "2026-11-02 tiktok t1 '' 0.000001 USD 0 0"));
    }

    @Test
    void sluiceCsv_withQuotesAndABom() {
        List<SpendRow> rows = rows(SpendImport.csv(bytes("\uFEFFdate,platform,campaign_id,campaign_name,spend,currency,clicks,impressions\n"
                + "2026-11-02,google_ads,123,\"Sale, \"\"big\"\"\",12.34,EUR,5,50\n"), Optional.empty()));

        assertThat(show(rows.get(0)), is("2026-11-02 google_ads 123 'Sale, \"big\"' 12.34 EUR 5 50"));
    }

    /**
     * A row with more cells than the header (an unquoted comma in the last column's campaign
     * name) is a problem naming the row; what fell off the end was dropped until session 39.
     * Empty cells beyond the header, as a trailing comma makes, are fine.
     */
    @Test
    void csvRowWithMoreCellsThanTheHeader_isAProblem_butTrailingEmptyCellsAreNot() {
        String header = "date,platform,campaign_id,spend,currency,clicks,campaign_name\n";
        SpendImport.Parsed.Invalid invalid = invalid(SpendImport.csv(bytes(header
                + "2026-11-02,meta,c1,10.00,EUR,5,BF\n"
                + "2026-11-03,meta,c1,10.00,EUR,5,Black Friday, 2026\n"), Optional.empty()));
        assertThat(invalid.problems().stream().map(p -> p.pointer() + " " + p.code() + " " + p.message()).toList(), contains(
                "/rows/1 extra_cells has 8 cells where the header has 7; quote a value that holds a comma"));

        List<SpendRow> rows = rows(SpendImport.csv(bytes(header + "2026-11-02,meta,c1,10.00,EUR,5,BF,,\n"), Optional.empty()));
        assertThat(show(rows.get(0)), is("2026-11-02 meta c1 'BF' 10.00 EUR 5 0"));
    }

    @Test
    void metaExport_currencyFromTheHeader_linkClicks_andOneDayRows() {
        String csv = "Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (EUR),Clicks (all),Link clicks,Impressions\n"
                + "2026-11-02,2026-11-02,BF,2385,\"1,234.50\",900,700,\"12,000\"\n";

        assertThat(show(rows(SpendImport.csv(bytes(csv), Optional.empty())).get(0)),
                is("2026-11-02 meta 2385 'BF' 1234.50 EUR 700 12000"));
        SpendImport.Parsed.Invalid range = invalid(SpendImport.csv(bytes(csv.replace("2026-11-02,2026-11-02", "2026-11-01,2026-11-30")),
                Optional.empty()));
        assertThat(range.problems().get(0).pointer() + " " + range.problems().get(0).code(), is("/rows/0/date not_daily"));
    }

    @Test
    void googleAdsExport_preambleTotalsAndUsDates() {
        String csv = "Campaign performance report\n\"November 1, 2026 - November 30, 2026\"\n"
                + "Day,Campaign,Campaign ID,Currency code,Cost,Clicks,Impr.\n"
                + "\"Nov 2, 2026\",Search BF,987,USD,\"1,020.00\",\"1,200\",--\n"
                + "Total: Account,,,USD,\"1,020.00\",\"1,200\",0\n";

        List<SpendRow> rows = rows(SpendImport.csv(bytes(csv), Optional.empty()));

        assertThat(rows.stream().map(SpendImportTest::show).toList(), contains("2026-11-02 google_ads 987 'Search BF' 1020.00 USD 1200 0"));
        assertThat(SpendImport.csv(bytes(csv), Optional.of("meta")), instanceOf(SpendImport.Parsed.Invalid.class));
    }

    @Test
    void badRows_areAllReported_byRowAndField_withoutTheirValues() {
        SpendImport.Parsed.Invalid invalid = invalid(SpendImport.json(bytes("""
                {"rows":[{"date":"2026-11-02","platform":"Meta!","campaign_id":"","spend":"1e3","currency":"XYZ","clicks":-1},
                         {"date":"2026-11-03","platform":"meta","campaign_id":"c1","spend":"1.1234567","currency":"EUR"},
                         {"date":"2026-11-03","platform":"meta","campaign_id":"c1","spend":"2","currency":"EUR"},
                         {"date":"2026-11-03","platform":"meta","campaign_id":"c1","spend":"3","currency":"EUR"}]}
                """)));

        assertThat(invalid.problems().stream().map(p -> p.pointer() + " " + p.code()).toList(), contains(
                "/rows/0/platform invalid_format", "/rows/0/campaign_id required", "/rows/0/spend invalid_format",
                "/rows/0/currency invalid_currency", "/rows/0/clicks out_of_range", "/rows/1/spend out_of_range",
                "/rows/3 duplicate_row"));
        assertThat(invalid.problems().toString().contains("XYZ") || invalid.problems().toString().contains("Meta!"), is(false));
    }

    /**
     * A comma is a thousands separator or nothing: "12,50" (12.50 in a German export) was read as
     * 1250 and "1.234,50" as 1.2345 until session 40, both imported without a word.
     */
    @Test
    void decimalCommasAndOtherNonNumbers_areRefused_thousandsSeparatorsRead() {
        String header = "date,platform,campaign_id,spend,currency,clicks\n";
        SpendImport.Parsed.Invalid invalid = invalid(SpendImport.csv(bytes(header
                + "2026-11-02,meta,a,\"12,50\",EUR,1\n"
                + "2026-11-02,meta,b,\"1.234,50\",EUR,1\n"
                + "2026-11-02,meta,c,\"1,2,3.4,5\",EUR,\"1,0\"\n"
                + "2026-11-02,meta,d,abc,EUR,1.5\n"
                + "2026-11-02,meta,e,-5,EUR,-1\n"
                + "2026-11-02,meta,f,1000000000000,EUR,1000000000000\n"), Optional.empty()));
        assertThat(invalid.problems().stream().map(p -> p.pointer() + " " + p.code()).toList(), contains(
                "/rows/0/spend invalid_format", "/rows/1/spend invalid_format", "/rows/2/spend invalid_format",
                "/rows/2/clicks invalid_format", "/rows/3/spend invalid_format", "/rows/3/clicks invalid_format",
                "/rows/4/spend out_of_range", "/rows/4/clicks out_of_range", "/rows/5/spend out_of_range",
                "/rows/5/clicks out_of_range"));
        assertThat(invalid.problems().get(0).message(), containsString("a comma only between thousands"));

        List<SpendRow> rows = rows(SpendImport.csv(bytes(header
                + "2026-11-02,meta,a,\"1,234.50\",EUR,\"1,200\"\n"
                + "2026-11-02,meta,b,\"1,234,567\",EUR,999999999999\n"), Optional.empty()));
        assertThat(rows.stream().map(SpendImportTest::show).toList(), contains(
                "2026-11-02 meta a '' 1234.50 EUR 1200 0", "2026-11-02 meta b '' 1234567 EUR 999999999999 0"));
    }

    /** A mistyped year ("0026") imported spend that no report would ever show. */
    @Test
    void daysOutsideWhatAnAdAccountCanHaveHad_areRefused() {
        int nextYear = java.time.LocalDate.now(java.time.ZoneOffset.UTC).getYear() + 1;
        SpendImport.Parsed.Invalid invalid = invalid(SpendImport.json(bytes("""
                {"rows":[{"date":"0026-11-02","platform":"meta","campaign_id":"a","spend":"1","currency":"EUR"},
                         {"date":"1999-12-31","platform":"meta","campaign_id":"b","spend":"1","currency":"EUR"},
                         {"date":"+10000-01-01","platform":"meta","campaign_id":"c","spend":"1","currency":"EUR"},
                         {"date":"%d-01-01","platform":"meta","campaign_id":"d","spend":"1","currency":"EUR"}]}
                """.formatted(nextYear + 1))));
        assertThat(invalid.problems().stream().map(p -> p.pointer() + " " + p.code()).toList(), contains(
                "/rows/0/date out_of_range", "/rows/1/date out_of_range", "/rows/2/date out_of_range",
                "/rows/3/date out_of_range"));
        assertThat(rows(SpendImport.json(bytes("""
                {"rows":[{"date":"2000-01-01","platform":"meta","campaign_id":"a","spend":"1","currency":"EUR"},
                         {"date":"%d-12-31","platform":"meta","campaign_id":"b","spend":"1","currency":"EUR"}]}
                """.formatted(nextYear)))).size(), is(2));
    }

    /** Google's summary rows only: a campaign named "Totally Awesome Sale" was dropped as one until session 40. */
    @Test
    void googleAdsCampaignsWhoseNameStartsWithTotal_areData() {
        String csv = "Campaign,Campaign ID,Day,Currency code,Cost,Clicks,Impr.\n"
                + "Totally Awesome Sale,111,2026-11-26,EUR,\"1,234.50\",\"1,000\",--\n"
                + "Total,222,2026-11-26,EUR,1.00,1,1\n"
                + "Total: Account,,,EUR,\"1,235.50\",1001,1\n"
                + "Total: Search campaigns,--,--,EUR,\"1,235.50\",1001,1\n";

        assertThat(rows(SpendImport.csv(bytes(csv), Optional.empty())).stream().map(SpendImportTest::show).toList(),
                contains("2026-11-26 google_ads 111 'Totally Awesome Sale' 1234.50 EUR 1000 0",
                        "2026-11-26 google_ads 222 'Total' 1.00 EUR 1 1"));
        // An export that starts with the Campaign ID column: its summary's first cell is that id's.
        String idFirst = "Campaign ID,Campaign,Day,Currency code,Cost,Clicks,Impr.\n"
                + "111,Totally Awesome Sale,2026-11-26,EUR,10.00,1,1\n"
                + "Total: Account,,,EUR,10.00,1,1\n";
        assertThat(rows(SpendImport.csv(bytes(idFirst), Optional.empty())).size(), is(1));
    }

    /** Meta leaves a zero "Link clicks" cell empty; it was filled from "Clicks (all)" row by row until session 40. */
    @Test
    void metaExport_anEmptyLinkClicksCellIsZero_notClicksAll() {
        String csv = "Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (EUR),Impressions,Link clicks,Clicks (all),Currency\n"
                + "2026-11-28,2026-11-28,A,ma,10.00,1000,,12,\n"
                + "2026-11-28,2026-11-28,B,mb,10.00,1000,3,12,\n";

        assertThat(rows(SpendImport.csv(bytes(csv), Optional.empty())).stream().map(SpendImportTest::show).toList(),
                contains("2026-11-28 meta ma 'A' 10.00 EUR 0 1000", "2026-11-28 meta mb 'B' 10.00 EUR 3 1000"));
    }

    @Test
    void aHeaderOfAnotherLayoutThanTheNamedOne_orAnotherDelimiter_isSaidSo() {
        String sluice = "date,platform,campaign_id,spend,currency\n2026-11-02,meta,a,1,EUR\n";
        assertThat(invalid(SpendImport.csv(bytes(sluice), Optional.of("meta"))).detail(),
                is("the header is of the sluice layout, not the meta layout that layout= names"));
        assertThat(invalid(SpendImport.csv(bytes(sluice.replace(',', ';')), Optional.empty())).detail(),
                containsString("separated by commas, not semicolons or tabs"));
        assertThat(invalid(SpendImport.csv(bytes(sluice.replace(',', '\t')), Optional.empty())).detail(),
                containsString("separated by commas, not semicolons or tabs"));
    }

    @Test
    void aMisspeltFieldOrAMemberBesideRows_isAProblem_notDropped() {
        // "click": 100 was dropped until session 35: the row imported with no clicks (CPC, CTR off).
        SpendImport.Parsed.Invalid misspelt = invalid(SpendImport.json(bytes("""
                {"rows":[{"date":"2026-11-02","platform":"meta","campaign_id":"c1","spend":"40","currency":"EUR",
                          "click":100,"impressions":10000}]}
                """)));
        assertThat(misspelt.problems().stream().map(p -> p.pointer() + " " + p.code()).toList(),
                contains("/rows/0/click unknown_field"));
        assertThat(misspelt.problems().getFirst().message(), containsString("clicks, impressions"));

        SpendImport.Parsed.Invalid beside = invalid(SpendImport.json(bytes("""
                {"currency":"EUR","rows":[{"date":"2026-11-02","platform":"meta","campaign_id":"c1","spend":"40","currency":"EUR"}]}
                """)));
        assertThat(beside.problems().stream().map(p -> p.pointer() + " " + p.code()).toList(), contains("/currency unknown_field"));
        SpendImport.Parsed.Invalid emailAsKey = invalid(SpendImport.json(bytes("""
                {"rows":[{"date":"2026-11-02","platform":"meta","campaign_id":"c1","spend":"40","currency":"EUR",
                          "jane@example.com":1}]}
                """)));
        assertThat(emailAsKey.problems().stream().map(p -> p.pointer() + " " + p.code()).toList(), contains("/rows/0 unknown_field"));
        assertThat(emailAsKey.problems().toString().contains("jane"), is(false));
    }

    @Test
    void bodiesThatAreNotRows_areMalformed() {
        assertThat(invalid(SpendImport.json(bytes("[1]"))).detail(), containsString("rows"));
        assertThat(invalid(SpendImport.json(bytes("{\"rows\":[]}"))).detail(), containsString("1 to"));
        assertThat(invalid(SpendImport.csv(bytes("a,b\n1,2\n"), Optional.empty())).detail(), containsString("no header"));
        assertThat(invalid(SpendImport.csv(bytes("date,\"open\n"), Optional.empty())).detail(), containsString("UTF-8 CSV"));
        assertThat(invalid(SpendImport.csv(bytes("x"), Optional.of("excel"))).detail(), containsString("layout"));
    }

    @Test
    void manyBadRows_listTheFirstThousandProblems_andCountThemAll() {
        StringBuilder csv = new StringBuilder("date,platform,campaign_id,spend,currency\n");
        for (int i = 0; i < 1500; i++) {
            csv.append("2026-11-02,meta,c").append(i).append(",1.00,").append(i < 600 ? "EUR" : "XYZ").append('\n');
        }
        for (int i = 0; i < 700; i++) {
            csv.append("2026-11-02,meta,c").append(i).append(",1.00,EUR\n");
        }
        SpendImport.Parsed.Invalid invalid = invalid(SpendImport.csv(bytes(csv.toString()), Optional.empty()));

        // 900 bad currencies (rows 600..1499) and 600 repeats of rows 0..599 (rows 1500..2099) plus
        // 100 repeats of rows with a bad currency, which are no rows at all (rows 2100..2199 are fine).
        assertThat(invalid.problems().size(), is(SpendImport.MAX_PROBLEMS));
        assertThat(invalid.detail(), containsString("the first 1000 of 1500 problems"));
        assertThat(invalid.problems().get(0).pointer() + " " + invalid.problems().get(0).code(), is("/rows/600/currency invalid_currency"));
        assertThat(invalid.problems().get(900).pointer() + " " + invalid.problems().get(900).code(), is("/rows/1500 duplicate_row"));
        assertThat(invalid.problems().get(900).message(), containsString("of row 0;"));
    }

    @Test
    void manyRepeats_listTheFirstThousandInFileOrder() {
        // 2,500 campaigns, then each again in reverse order: rows 2500..4999 repeat rows 2499..0.
        StringBuilder csv = new StringBuilder("date,platform,campaign_id,spend,currency\n");
        for (int i = 0; i < 2500; i++) {
            csv.append("2026-11-02,meta,c").append(i).append(",1.00,EUR\n");
        }
        for (int i = 2499; i >= 0; i--) {
            csv.append("2026-11-02,meta,c").append(i).append(",1.00,EUR\n");
        }
        SpendImport.Parsed.Invalid invalid = invalid(SpendImport.csv(bytes(csv.toString()), Optional.empty()));

        assertThat(invalid.detail(), containsString("the first 1000 of 2500 problems"));
        assertThat(invalid.problems().get(0).pointer(), is("/rows/2500"));
        assertThat(invalid.problems().get(0).message(), containsString("of row 2499;"));
        assertThat(invalid.problems().get(999).pointer(), is("/rows/3499"));
    }

    @Test
    void hostileValues_areRefusedWithoutBeingHeldWhole() {
        // A number of a billion digits as plain text: invalid, not a billion-character string.
        SpendImport.Parsed.Invalid huge = invalid(SpendImport.json(bytes("""
                {"rows":[{"date":"2026-11-02","platform":"meta","campaign_id":"c","spend":1e999999999,"currency":"EUR",
                          "clicks":1E-999999999}]}""")));
        assertThat(huge.problems().stream().map(p -> p.pointer()).toList(), contains("/rows/0/spend", "/rows/0/clicks"));

        String longValue = "x".repeat(SpendImport.MAX_STRING_CHARS + 1);
        assertThat(invalid(SpendImport.json(bytes("{\"rows\":[{\"campaign_name\":\"" + longValue + "\"}]}"))).detail(),
                containsString("longer than"));
        assertThat(invalid(SpendImport.csv(bytes("date,platform\n2026-11-02," + longValue + "\n"), Optional.empty())).detail(),
                containsString("a field is longer than"));
        assertThat(invalid(SpendImport.csv(bytes("date,platform,campaign_id,spend,currency\n" + ",".repeat(CsvLines.MAX_FIELDS) + "\n"),
                Optional.empty())).detail(), containsString("more than 1000 fields"));
        // A repeated key is refused (which of the two would count?), named since session 39.
        SpendImport.Parsed.Invalid twice = invalid(SpendImport.json(bytes("{\"rows\":[{\"spend\":\"1\",\"spend\":\"2\"}]}")));
        assertThat(twice.problems().stream().map(p -> p.pointer() + " " + p.code()).toList(), contains("/rows/0/spend duplicate_key"));
        SpendImport.Parsed.Invalid personal = invalid(SpendImport.json(bytes("{\"rows\":[{\"jane@example.com\":1,\"jane@example.com\":2}]}")));
        assertThat(personal.problems().stream().map(p -> p.pointer() + " " + p.code()).toList(), contains("/rows/0 duplicate_key"));
        // Content after the object was ignored until session 39.
        assertThat(invalid(SpendImport.json(bytes("{\"rows\":[{\"spend\":\"1\"}]} {}"))).detail(),
                containsString("content after the JSON object"));
    }

    @Test
    void moreThanMaxRows_isRefused_andAStreamsOwnFailurePropagates() {
        StringBuilder csv = new StringBuilder("date,platform,campaign_id,spend,currency\n");
        for (int i = 0; i <= SpendImport.MAX_ROWS; i++) {
            csv.append("2026-11-02,meta,c").append(i).append(",1,EUR\n");
        }
        assertThat(invalid(SpendImport.csv(bytes(csv.toString()), Optional.empty())).detail(), containsString("1 to 100000 rows"));

        IOException gone = new IOException("client went away");
        java.io.InputStream failing = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(bytes("{\"rows\":[")),
                new java.io.InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw gone;
                    }
                });
        IOException thrown = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> SpendImport.json(failing));
        assertThat(thrown, is(gone));
    }

    @Test
    void csvRecords_quotedFieldsLineEndsAndBlankLines() throws Exception {
        CsvLines lines = new CsvLines(new java.io.StringReader("\uFEFFa,\"b,\"\"c\"\"\r\nd\"\r\n\r\n\n\"\"\nx,,y\rlast"));
        List<List<String>> records = new java.util.ArrayList<>();
        for (List<String> r = lines.next(); r != null; r = lines.next()) {
            records.add(r);
        }
        assertThat(records, contains(List.of("a", "b,\"c\"\r\nd"), List.of(""), List.of("x", "", "y"), List.of("last")));
    }

    private static String show(SpendRow r) {
        return r.day() + " " + r.platform() + " " + r.campaign() + " '" + r.campaignName() + "' " + r.spend().toPlainString()
                + " " + r.currency() + " " + r.clicks() + " " + r.impressions();
    }

    private static List<SpendRow> rows(SpendImport.Parsed parsed) {
        if (parsed instanceof SpendImport.Parsed.Rows rows) {
            return rows.rows();
        }
        throw new AssertionError("expected rows, got " + parsed);
    }

    private static SpendImport.Parsed.Invalid invalid(SpendImport.Parsed parsed) {
        assertThat(parsed, instanceOf(SpendImport.Parsed.Invalid.class));
        return (SpendImport.Parsed.Invalid) parsed;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
