package dev.sluice.connector;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

class HttpSpecTest {

    @Test
    void requestToString_masksCredentialsInQueryUserInfoAndHeaders() {
        HttpRequestSpec spec = new HttpRequestSpec("POST",
                URI.create("https://user:pw@api.example/v1/events?access_token=tok123&api_secret=s3cr3t&mode=test"),
                Map.of("Authorization", "Bearer tok456", "Access-Token", "tok789", "Content-Type", "application/json"),
                "{\"em\":\"abc\"}".getBytes(StandardCharsets.UTF_8));
        String printed = spec.toString();
        for (String secret : List.of("tok123", "s3cr3t", "tok456", "tok789", "pw", "\"em\"")) {
            assertThat(printed, not(containsString(secret)));
        }
        assertThat(printed, containsString("https://***@api.example/v1/events?access_token=***&api_secret=***&mode=test"));
        assertThat(printed, containsString("Content-Type=application/json"));
        assertThat(printed, containsString("body=12 bytes"));
    }

    @Test
    void requestBody_isCopiedInAndOut() {
        byte[] body = {1, 2, 3};
        HttpRequestSpec spec = new HttpRequestSpec("POST", URI.create("https://a.example/"), Map.of(), body);
        body[0] = 9;
        spec.body()[1] = 9;
        assertEquals(new HttpRequestSpec("POST", URI.create("https://a.example/"), Map.of(), new byte[]{1, 2, 3}), spec);
    }

    @Test
    void responseHeaders_areFoundWhateverTheirCase() {
        HttpResponseSpec response = new HttpResponseSpec(429, Map.of("retry-after", List.of("5")), new byte[0]);
        assertEquals(Optional.of("5"), response.header("Retry-After"));
        assertEquals(Optional.empty(), response.header("X-Missing"));
        assertThat(HttpResponseSpec.of(400, "{\"echo\":\"jane\"}").toString(), not(containsString("jane")));
    }

    @Test
    void outboxItem_printsNoPayload() {
        OutboxItem item = TestItems.purchase(7, "order-7");
        assertThat(item.toString(), containsString("order-7"));
        assertThat(item.toString(), not(containsString("hashed")));
    }
}
