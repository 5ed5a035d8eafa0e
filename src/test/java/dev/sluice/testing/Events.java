package dev.sluice.testing;

import java.time.Instant;

/** JSON bodies for tests, built as text so that tests show exactly what goes on the wire. */
public final class Events {
    private Events() {
    }

    /** A purchase with full user data, as in the design handbook. */
    public static String purchase(String eventId) {
        return purchase(eventId, "Jane.Doe@Example.com", "+1 (650) 555-1212");
    }

    public static String purchase(String eventId, String email, String phone) {
        return """
                {"event_id":"%s","event_name":"Purchase","event_time":%d,"action_source":"website",
                 "event_source_url":"https://shop.example/checkout",
                 "user":{"email":"%s","phone":"%s","first_name":"Jane","last_name":"Doe",
                         "city":"Menlo Park","state":"CA","zip":"94025","country":"US","external_id":"cust-42",
                         "client_ip":"203.0.113.7","user_agent":"Mozilla/5.0 (test)",
                         "click_ids":{"fbp":"fb.1.1596403881668.1116446470"}},
                 "custom":{"value":"129.90","currency":"EUR","order_id":"10023","content_ids":["sku-1"],"num_items":2},
                 "attribution":{"utm_source":"facebook","utm_campaign":"bf-2026"},
                 "consent":{"ad_user_data":"granted","ad_personalization":"denied","gpc":false}}
                """.formatted(eventId, Instant.now().getEpochSecond() - 60, email, phone);
    }

    /** A batch body of the given event objects. */
    public static String batch(String... events) {
        return "{\"events\":[" + String.join(",", events) + "]}";
    }
}
