package dev.sluice.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.http.BadRequestException;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a handler throws is answered as a problem that never quotes the exception's message: the
 * web server's own 4xx refusals raised inside a handler (a header it cannot parse when the handler
 * reads it; a {@code Content-Type: gzip} was a 500 until session 34) keep their status, anything
 * else is a 500.
 */
class HandlerErrorsTest {
    private WebServer server;

    @BeforeEach
    void start() {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> {
                    r.get("/refused", (req, res) -> {
                        throw new BadRequestException("quoted header value secret@example.com");
                    }).get("/broken", (req, res) -> {
                        throw new IllegalStateException("input secret@example.com");
                    });
                    HttpApi.errors(r);
                })
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void aServerRefusalInsideAHandlerKeepsItsStatus() throws Exception {
        HttpResponse<String> answer = get("/refused");
        assertEquals(400, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("problem:bad-request"), answer.body());
        assertFalse(answer.body().contains("secret"), answer.body());
        assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void anythingElseIs500WithoutItsMessage() throws Exception {
        HttpResponse<String> answer = get("/broken");
        assertEquals(500, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("problem:internal-error"), answer.body());
        assertFalse(answer.body().contains("secret"), answer.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
