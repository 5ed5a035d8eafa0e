package dev.sluice.ledger;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import dev.sluice.event.ActionSource;
import dev.sluice.event.ConsentSignals;
import dev.sluice.event.CustomData;
import dev.sluice.event.Event;
import dev.sluice.event.UserData;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Attribution precedence: click ids in their order, then the attribution block, then unattributed. */
final class AttributionTest {

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            fbc=fb.1.1596403881668.IwAR2         | -                                    | meta/
            gclid=Cj0                            | -                                    | google_ads/
            wbraid=x                             | -                                    | google_ads/
            ttclid=x                             | -                                    | tiktok/
            ScCid=x                              | -                                    | snapchat/
            epik=x                               | -                                    | pinterest/
            li_fat_id=x                          | -                                    | linkedin/
            rdt_cid=x                            | -                                    | reddit/
            msclkid=x                            | -                                    | microsoft/
            fbc=fb.1.1596403881668.I,gclid=Cj0   | -                                    | meta/
            gclid=Cj0,ttclid=x                   | -                                    | google_ads/
            gclid=Cj0                            | utm_source=google,campaign_id=77     | google_ads/77
            gclid=Cj0                            | utm_source=facebook,utm_campaign=bf  | google_ads/
            gclid=Cj0                            | campaign_id=77                       | google_ads/77
            fbp=fb.1.1596403881668.1116446470    | -                                    | unattributed/
            -                                    | fbclid=IwAR,utm_campaign=bf          | meta/bf
            -                                    | utm_source=Facebook,utm_campaign=bf  | meta/bf
            -                                    | utm_source=ig,utm_id=55,utm_campaign=bf | meta/55
            -                                    | utm_source=bing                      | microsoft/
            -                                    | utm_source=Newsletter,utm_campaign=nov | newsletter/nov
            -                                    | platform=tiktok,campaign_id=9        | tiktok/9
            -                                    | campaign_id=9                        | unattributed/9
            -                                    | -                                    | unattributed/
            """)
    void precedence(String clickIds, String hints, String expected) {
        Attribution a = Attribution.of(event(map(clickIds), map(hints)));

        assertThat(a.platform() + "/" + a.campaign(), is(expected));
    }

    /** Ingest takes 256 characters; the ledger cut at 128 until session 40, so revenue and spend never met. */
    @org.junit.jupiter.api.Test
    void aCampaignIdAsLongAsIngestTakes_isKeptWhole() {
        String campaign = "c".repeat(255) + "\uD83D\uDE00"; // 256 code points, 257 UTF-16 units

        Attribution a = Attribution.of(event(Map.of(), Map.of("platform", "meta", "campaign_id", campaign)));

        assertThat(a.campaign(), is(campaign));
    }

    private static Map<String, String> map(String pairs) {
        if (pairs == null) {
            return Map.of();
        }
        java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
        for (String pair : pairs.split(",")) {
            String[] kv = pair.split("=", 2);
            map.put(kv[0], kv[1]);
        }
        return map;
    }

    private static Event event(Map<String, String> clickIds, Map<String, String> hints) {
        UserData empty = UserData.empty();
        UserData user = new UserData(empty.email(), empty.phone(), empty.firstName(), empty.lastName(), empty.dateOfBirth(),
                empty.gender(), empty.city(), empty.state(), empty.zip(), empty.country(), empty.externalId(),
                empty.clientIp(), empty.userAgent(), clickIds);
        return new Event("e1", "Purchase", Instant.EPOCH, ActionSource.WEBSITE, Optional.empty(), user, CustomData.empty(),
                hints, ConsentSignals.none(), List.of());
    }
}
