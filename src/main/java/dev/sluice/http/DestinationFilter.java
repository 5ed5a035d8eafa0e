package dev.sluice.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.config.TenantConfig;
import io.helidon.common.uri.UriQuery;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;

/**
 * A {@code destination} query filter (the audit query, the dead letters) naming a destination the
 * tenant has no configuration for: a typo, or a destination since removed, whose records and dead
 * letters are kept. It is still looked up, and the answer says so, because an empty answer to a
 * misspelt id read as "nothing there" (until session 36): a {@value #HEADER} header on every
 * format, and a {@code warnings} entry in a JSON page ({@link #write}).
 */
final class DestinationFilter {
    static final String HEADER = "Sluice-Warning";
    static final String WARNING =
            "destination is not configured for this tenant; records of a destination by this id (a removed one) are listed";

    private DestinationFilter() {
    }

    /** Whether the query's {@code destination} is not one of the tenant's; if so the header is set. */
    static boolean unconfigured(TenantConfig tenant, UriQuery query, ServerResponse res) {
        boolean unconfigured = query.first("destination").asOptional()
                .filter(d -> tenant.destinations().stream().noneMatch(c -> c.id().equals(d)))
                .isPresent();
        if (unconfigured) {
            res.header(HEADER, WARNING);
        }
        return unconfigured;
    }

    /** Writes the page's {@code warnings} member when the destination was not configured. */
    static void write(JsonGenerator g, boolean unconfigured) throws IOException {
        if (!unconfigured) {
            return;
        }
        g.writeArrayFieldStart("warnings");
        g.writeStartObject();
        g.writeStringField("pointer", "destination");
        g.writeStringField("code", "not_configured");
        g.writeStringField("message", WARNING);
        g.writeEndObject();
        g.writeEndArray();
    }
}
