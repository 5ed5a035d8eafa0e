package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@code sluice receive} prints of an event: hashes as they are, the raw client IP, user
 * agent and click ids masked (review 4, finding 9: click ids were printed raw until session 40).
 */
class ReceiveCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void clickIds_areMaskedLikeTheClientIpAndUserAgent_keepingTheirNames() throws Exception {
        JsonNode event = JSON.readTree("""
                {"v":1,"event_id":"order-10023","event_name":"Purchase",
                 "event_source_url":"https://shop.example/checkout?o=10023&GCLID=CanaryGclidUpper&dclid=CanaryDclid&gclid=CanaryGclidUrl42&fbclid=CanaryFbclidUrl&utm_source=x&empty=",
                 "user":{"hashed":{"email":"86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d"},
                  "client_ip":"2001:db8:cafe::17","user_agent":"CanaryAgent/9.87 (Zorblaxbrowser)",
                  "click_ids":{"fbc":"fb.1.1596403881668.CanaryFbc","fbp":"fb.1.1596403881668.1116446470",
                   "gclid":"CanaryGclidQzx987","ttclid":"CanaryTtclid","ScCid":"CanaryScCid","epik":"CanaryEpik",
                   "_ga":"GA1.1.1234567890.1700000000","li_fat_id":"CanaryLiFat","rdt_cid":"CanaryRdt","msclkid":"CanaryMs"}},
                 "attribution":{"utm_source":"google","gclid":"CanaryAttributedGclid","GCLID":"CanaryUpper","twclid":"CanaryTw","campaign_id":"c-1"}}""");
        String printed = ReceiveCommand.redacted(event).toPrettyString();
        for (String value : new String[] {"2001:db8", "CanaryAgent", "Canary", "fb.1.", "1116446470", "GA1.1", "1234567890"}) {
            assertThat(printed, not(containsString(value)));
        }
        JsonNode shown = JSON.readTree(printed);
        assertEquals("<redacted>", shown.path("user").path("click_ids").path("gclid").asText());
        assertEquals("<redacted>", shown.path("user").path("click_ids").path("_ga").asText());
        assertEquals(10, shown.path("user").path("click_ids").size());
        assertEquals("<redacted>", shown.path("attribution").path("gclid").asText());
        assertEquals("google", shown.path("attribution").path("utm_source").asText());
        // Every query value, whatever its name or case (GCLID and dclid were printed raw until session 40).
        assertEquals("https://shop.example/checkout?o=<redacted>&GCLID=<redacted>&dclid=<redacted>&gclid=<redacted>"
                + "&fbclid=<redacted>&utm_source=<redacted>&empty=", shown.path("event_source_url").asText());
        assertEquals("<redacted>", shown.path("attribution").path("GCLID").asText());
        assertEquals("<redacted>", shown.path("attribution").path("twclid").asText());
        // Hashes are what the receiver is for: shown as they are.
        assertEquals(event.path("user").path("hashed"), shown.path("user").path("hashed"));
        // The event itself is untouched: only the printed copy is masked.
        assertEquals("CanaryGclidQzx987", event.path("user").path("click_ids").path("gclid").asText());
    }

    @Test
    void anEventWithoutUserOrClickIds_isPrintedAsItIs() throws Exception {
        JsonNode event = JSON.readTree("{\"v\":1,\"event_id\":\"e1\",\"user\":{\"hashed\":{}},\"event_source_url\":\"https://shop.example/\"}");
        assertEquals(event, ReceiveCommand.redacted(event));
    }
}
