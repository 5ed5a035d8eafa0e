package dev.sluice.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testing.Events;
import dev.sluice.testing.TestGateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger through the real gateway (issue 5): events booked once, refunds, late events, spend and reports over HTTP. */
final class LedgerEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    TestGateway gateway;
    final LocalDate today = LocalDate.now(ZoneOffset.UTC);

    @BeforeEach
    void start() {
        gateway = TestGateway.start(dataDir);
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void duplicatePurchase_isBookedOnce_andARefundWithANegativeValueNetsItsOrder() throws Exception {
        String purchase = Events.purchase("order-10023");
        assertThat(gateway.postEvents(TestGateway.ACME_KEY, purchase).body(), containsString("\"accepted\":1"));
        assertThat(gateway.postEvents(TestGateway.ACME_KEY, purchase).body(), containsString("\"duplicate\":1"));
        String refund = purchase.replace("\"order-10023\"", "\"refund-10023\"").replace("\"Purchase\"", "\"Refund\"")
                .replace("\"129.90\"", "\"-29.90\"");
        assertThat(gateway.postEvents(TestGateway.ACME_KEY, refund).body(), containsString("\"accepted\":1"));

        JsonNode report = kpis(TestGateway.ACME_ADMIN_KEY, "group_by=campaign");

        // utm_source facebook -> meta, utm_campaign bf-2026; 129.90 once, less the 29.90 refunded.
        JsonNode row = report.get("rows").get(0);
        assertThat(row.get("platform").asText() + "/" + row.get("campaign").asText(), is("meta/bf-2026"));
        assertThat(row.get("revenue").asText() + " " + row.get("refunds").asText() + " " + row.get("purchases").asInt()
                + " " + row.get("customers").asInt(), is("100.00 29.90 1 1"));
        assertThat(row.get("roas").isNull(), is(true));
        assertThat(report.get("rows").size(), is(1));
    }

    @Test
    void lateLead_isBookedOnTheDayItHappened() throws Exception {
        Instant threeDaysAgo = Instant.now().minus(3, ChronoUnit.DAYS);
        String lead = """
                {"event_id":"lead-1","event_name":"Lead","event_time":%d,"action_source":"website",
                 "event_source_url":"https://shop.example/form","user":{"email":"a@example.com","click_ids":{"gclid":"Cj0KCQ"}}}
                """.formatted(threeDaysAgo.getEpochSecond());
        assertThat(gateway.postEvents(TestGateway.ACME_KEY, lead).body(), containsString("\"accepted\":1"));
        String day = LocalDate.ofInstant(threeDaysAgo, ZoneOffset.UTC).toString();

        JsonNode report = kpis(TestGateway.ACME_ADMIN_KEY, "group_by=day&from=" + day + "&to=" + day);

        assertThat(report.get("rows").get(0).get("day").asText(), is(day));
        assertThat(report.get("rows").get(0).get("leads").asInt(), is(1));
        assertThat(kpis(TestGateway.ACME_ADMIN_KEY, "group_by=platform&from=" + day + "&to=" + day)
                .get("rows").get(0).get("platform").asText(), is("google_ads"));
    }

    @Test
    void spendCsv_importsReplacesAndFeedsTheCsvReport_perTenant() throws Exception {
        gateway.postEvents(TestGateway.ACME_KEY, Events.purchase("order-1"));
        String meta = "Campaign name,Campaign ID,Day,Amount spent (USD),Link clicks,Impressions\r\n"
                + "BF 2026,bf-2026," + today + ",\"1,000.00\",200,20000\r\n";

        assertThat(postSpend(TestGateway.ACME_KEY, "text/csv", meta).body(), is("{\"rows\":1,\"replaced\":0}"));
        assertThat(postSpend(TestGateway.ACME_KEY, "text/csv", meta).body(), is("{\"rows\":1,\"replaced\":1}"));

        HttpResponse<String> csv = gateway.send(get(TestGateway.ACME_ADMIN_KEY, "/v1/reports/kpis?group_by=campaign&format=csv&from="
                + today.minusDays(1) + "&to=" + today));
        assertThat(csv.headers().firstValue("Content-Type").orElse(""), containsString("text/csv"));
        // 1000 USD x 0.9 = 900.00 EUR of spend against 129.90 of revenue: ROAS 0.1443, CPC 900/200 = 4.5.
        assertThat(csv.body(), containsString("meta,bf-2026,BF 2026,900.00,129.90,0.00,1,0,1,200,20000,1,0.1443,"
                + "900.0000,,4.5000,0.0100,0.0050,129.9000,129.9000,\r\n"));
        assertThat(csv.body(), containsString("TOTAL,,,900.00,129.90"));
        assertThat(kpis(TestGateway.GLOBEX_ADMIN_KEY, "group_by=platform").get("rows").size(), is(0));
    }

    @Test
    void aReportOfMoreCampaignsThanOneAnswerHolds_isA422NamingGroupBy_andTheGatewayCarriesOn() throws Exception {
        StringBuilder meta = new StringBuilder("Campaign name,Campaign ID,Day,Amount spent (USD),Link clicks,Impressions\r\n");
        for (int i = 0; i <= 5_000; i++) {
            meta.append("Ad ").append(i).append(",ad-").append(i).append(',').append(today).append(",1.00,1,10\r\n");
        }
        assertThat(postSpend(TestGateway.ACME_KEY, "text/csv", meta.toString()).body(), is("{\"rows\":5001,\"replaced\":0}"));

        HttpResponse<String> refused = gateway.send(get(TestGateway.ACME_ADMIN_KEY, "/v1/reports/kpis?group_by=campaign&from="
                + today.minusDays(1) + "&to=" + today));
        assertThat(refused.body(), refused.statusCode(), is(422));
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.path("type").asText(), containsString("report-too-large"));
        assertThat(problem.path("errors").get(0).path("pointer").asText(), containsString("group_by"));
        assertThat(problem.path("detail").asText(), containsString("more than 5000 groups"));
        // Grouped by platform the same period is one row, and the gateway answers as before.
        assertThat(kpis(TestGateway.ACME_ADMIN_KEY, "group_by=platform").get("rows").size(), is(1));
    }

    @Test
    void spendWithBadRows_isRefusedWholly_withAProblemPerField() throws Exception {
        String body = """
                {"rows":[{"date":"%s","platform":"meta","campaign_id":"c1","spend":"10.00","currency":"EUR"},
                         {"date":"28/11/2026","platform":"meta","campaign_id":"c2","spend":"-3","currency":"EURO"}]}
                """.formatted(today);

        HttpResponse<String> answer = postSpend(TestGateway.ACME_KEY, "application/json", body);

        assertThat(answer.statusCode(), is(422));
        JsonNode errors = JSON.readTree(answer.body()).get("errors");
        assertThat(errors.toString(), containsString("/rows/1/date"));
        assertThat(errors.toString(), containsString("/rows/1/spend"));
        assertThat(errors.toString(), containsString("/rows/1/currency"));
        assertThat(kpis(TestGateway.ACME_ADMIN_KEY, "group_by=platform").get("rows").size(), is(0));
    }

    @Test
    void ledgerRoutes_needCredentials_andValidParameters() {
        assertThat(gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/reports/kpis?from=2026-11-01&to=2026-11-30"))
                .GET().build()).statusCode(), is(401));
        HttpResponse<String> bad = gateway.send(get(TestGateway.ACME_ADMIN_KEY, "/v1/reports/kpis?from=2026-11-31&group_by=week"));
        assertThat(bad.statusCode(), is(400));
        assertThat(bad.body(), containsString("\"pointer\":\"group_by\""));
        // A malformed day is not a missing one (both were "is required" until session 40).
        assertThat(bad.body(), containsString("{\"pointer\":\"from\",\"code\":\"invalid_format\",\"message\":\"must be a day"));
        assertThat(bad.body(), containsString("{\"pointer\":\"to\",\"code\":\"required\",\"message\":\"is required"));
        assertThat(postSpend(TestGateway.ACME_KEY, "text/plain", "x").statusCode(), is(415));
    }

    /** text/csv only when preferred: "application/json, text/csv;q=0" was answered with CSV until session 40. */
    @Test
    void theReportsFormatFollowsTheAcceptHeadersPreferences() {
        String path = "/v1/reports/kpis?from=" + today.minusDays(1) + "&to=" + today;
        for (var accept : java.util.Map.of("application/json, text/csv;q=0", "application/json", "text/csv", "text/csv",
                "text/csv;q=0.5, application/json;q=0.9", "application/json", "application/json;q=0.5, text/csv",
                "text/csv", "text/csv, */*", "application/json", "text/csv, */*;q=0.1", "text/csv", "text/*", "text/csv",
                "text/*, application/json;q=0.5", "text/csv", "application/json;q=0, */*", "text/csv").entrySet()) {
            HttpResponse<String> answer = gateway.send(HttpRequest.newBuilder(gateway.uri(path))
                    .header("Authorization", "Bearer " + TestGateway.ACME_ADMIN_KEY).header("Accept", accept.getKey())
                    .GET().build());
            assertThat(accept.getKey(), answer.headers().firstValue("Content-Type").orElse(""),
                    containsString(accept.getValue()));
        }
    }

    private JsonNode kpis(String key, String query) throws Exception {
        String range = query.contains("from=") ? "" : "&from=" + today.minusDays(1) + "&to=" + today;
        HttpResponse<String> answer = gateway.send(get(key, "/v1/reports/kpis?" + query + range));
        assertThat(answer.body(), answer.statusCode(), is(200));
        return JSON.readTree(answer.body());
    }

    private HttpRequest get(String key, String path) {
        return HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", "Bearer " + key).GET().build();
    }

    @Test
    void aMisspeltOrRepeatedParameterIsRefused_notIgnored() {
        HttpResponse<String> misspelt = gateway.send(get(TestGateway.ACME_ADMIN_KEY,
                "/v1/reports/kpis?from=" + today + "&to=" + today + "&groupby=campaign"));
        assertThat(misspelt.statusCode(), is(400));
        assertThat(misspelt.body(), containsString("{\"pointer\":\"groupby\",\"code\":\"unknown_field\""));
        HttpResponse<String> twice = gateway.send(get(TestGateway.ACME_ADMIN_KEY,
                "/v1/reports/kpis?from=" + today + "&to=" + today + "&currency=EUR&currency=USD"));
        assertThat(twice.statusCode(), is(400));
        assertThat(twice.body(), containsString("{\"pointer\":\"currency\",\"code\":\"duplicate_key\""));
        // "?from" without a value was read as no from at all (until session 40); now it is named.
        HttpResponse<String> valueless = gateway.send(get(TestGateway.ACME_ADMIN_KEY, "/v1/reports/kpis?from&to=" + today));
        assertThat(valueless.statusCode(), is(400));
        assertThat(valueless.body(), containsString("{\"pointer\":\"from\",\"code\":\"empty\""));
        HttpResponse<String> notACurrency = gateway.send(get(TestGateway.ACME_ADMIN_KEY,
                "/v1/reports/kpis?from=" + today + "&to=" + today + "&currency=ABC"));
        assertThat(notACurrency.statusCode(), is(400));
        assertThat(notACurrency.body(), containsString("{\"pointer\":\"currency\",\"code\":\"invalid_currency\""));
        HttpResponse<String> beside = postSpend(TestGateway.ACME_KEY, "application/json", "{\"layout\":\"meta\",\"rows\":[]}");
        assertThat(beside.statusCode(), is(400));
        assertThat(beside.body(), containsString("{\"pointer\":\"/layout\",\"code\":\"unknown_field\""));
        HttpResponse<String> misspeltField = postSpend(TestGateway.ACME_KEY, "application/json", "{\"rows\":[{\"date\":\"" + today
                + "\",\"platform\":\"meta\",\"campaign_id\":\"c1\",\"spend\":\"1\",\"currency\":\"EUR\",\"click\":5}]}");
        assertThat(misspeltField.statusCode(), is(422));
        assertThat(misspeltField.body(), containsString("{\"pointer\":\"/rows/0/click\",\"code\":\"unknown_field\""));
        HttpResponse<String> layout = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/spend?layuot=meta"))
                .header("Authorization", "Bearer " + TestGateway.ACME_KEY).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("x\n")).build());
        assertThat(layout.statusCode(), is(400));
        assertThat(layout.body(), containsString("\"pointer\":\"layuot\""));
        // A value a parameter does not take is named by the parameter (until session 39 format=xml
        // was answered with JSON, and layout=foo was a body problem without a pointer).
        // An empty one is named as empty (since session 40, by QueryParameters.check).
        for (String format : new String[] {"xml", "CSV", ""}) {
            HttpResponse<String> bad = gateway.send(get(TestGateway.ACME_ADMIN_KEY,
                    "/v1/reports/kpis?from=" + today + "&to=" + today + "&format=" + format));
            assertThat(format, bad.statusCode(), is(400));
            assertThat(bad.body(), containsString("{\"pointer\":\"format\",\"code\":\""
                    + (format.isEmpty() ? "empty" : "unknown_value") + "\""));
        }
        HttpResponse<String> unknownLayout = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/spend?layout=foo"))
                .header("Authorization", "Bearer " + TestGateway.ACME_KEY).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("x\n")).build());
        assertThat(unknownLayout.statusCode(), is(400));
        assertThat(unknownLayout.body(), containsString("{\"pointer\":\"layout\",\"code\":\"unknown_value\""));
        HttpResponse<String> layoutOnJson = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/spend?layout=meta"))
                .header("Authorization", "Bearer " + TestGateway.ACME_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"rows\":[]}")).build());
        assertThat(layoutOnJson.statusCode(), is(400));
        assertThat(layoutOnJson.body(), containsString("{\"pointer\":\"layout\",\"code\":\"unknown_field\""));
        // Media types are case-insensitive: TEXT/CSV was 415 until session 39.
        HttpResponse<String> upper = postSpend(TestGateway.ACME_KEY, "TEXT/CSV; charset=UTF-8",
                "date,platform,campaign_id,spend,currency\n" + today + ",meta,c1,1.00,EUR\n");
        assertThat(upper.body(), upper.statusCode(), is(200));
    }

    @Test
    void campaignNamesThatASpreadsheetWouldRunAsFormulas_areExportedAsText() throws Exception {
        String[] names = {"=HYPERLINK(\"http://x.example\",\"a\")", "@SUM(1)", "+1+1", "-1+1", "Plain"};
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            rows.append(i == 0 ? "" : ",").append("{\"date\":\"").append(today).append("\",\"platform\":\"meta\",")
                    .append("\"campaign_id\":\"c").append(i).append("\",\"campaign_name\":")
                    .append(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(names[i]))
                    .append(",\"spend\":\"1.00\",\"currency\":\"EUR\",\"clicks\":1,\"impressions\":1}");
        }
        assertThat(postSpend(TestGateway.ACME_KEY, "application/json", "{\"rows\":[" + rows + "]}").body(),
                is("{\"rows\":5,\"replaced\":0}"));
        String csv = gateway.send(get(TestGateway.ACME_ADMIN_KEY, "/v1/reports/kpis?group_by=campaign&format=csv&from="
                + today + "&to=" + today)).body();
        assertThat(csv, containsString(",c0,\"'=HYPERLINK(\"\"http://x.example\"\",\"\"a\"\")\","));
        assertThat(csv, containsString(",c1,\"'@SUM(1)\","));
        assertThat(csv, containsString(",c2,\"'+1+1\","));
        assertThat(csv, containsString(",c3,\"'-1+1\","));
        assertThat(csv, containsString(",c4,Plain,"));
    }

    private HttpResponse<String> postSpend(String key, String type, String body) {
        return gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/spend")).header("Authorization", "Bearer " + key)
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
