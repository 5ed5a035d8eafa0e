package dev.sluice.e2e;

import dev.sluice.observe.JsonLogFormatter;
import dev.sluice.privacy.HashedIdentity;
import dev.sluice.privacy.HashingProfile;
import dev.sluice.privacy.IdentityHasher;
import dev.sluice.privacy.PersonalData;
import dev.sluice.privacy.PiiField;
import dev.sluice.testing.Events;
import dev.sluice.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 1 (design.md): a known email and phone pushed through the running server appear,
 * neither raw nor hashed under any platform's rules, in logs, files under the data directory,
 * metrics or any response.
 */
class PersonalDataCanaryTest {
    private static final String EMAIL = "Canary.7f3a9+Tag@Example.com";
    private static final String PHONE = "+1 (650) 555-0199";

    @TempDir
    Path dir;

    @Test
    void canaryEmailAndPhoneLeaveNoTraceOutsideSealedPayloads() throws IOException {
        StringBuilder logs = new StringBuilder();
        Handler capture = new Handler() {
            private final JsonLogFormatter formatter = new JsonLogFormatter();

            @Override
            public void publish(LogRecord record) {
                synchronized (logs) {
                    logs.append(formatter.format(record));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        Level previous = root.getLevel();
        root.setLevel(Level.ALL);
        root.addHandler(capture);
        List<String> seen = new ArrayList<>();
        try (TestGateway sluice = TestGateway.start(dir)) {
            seen.add(sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("canary-1", EMAIL, PHONE)).body());
            seen.add(sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("canary-1", EMAIL, PHONE)).body());
            // Rejected on the phone: the email still must not be echoed.
            seen.add(sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("canary-2", EMAIL, "12")).body());
            // Rejected on the email.
            seen.add(sluice.postEvents(TestGateway.ACME_KEY, Events.purchase("canary-3", "Canary.7f3a9-at-Example.com", PHONE)).body());
            seen.add(sluice.postEvents(TestGateway.ACME_KEY, "{\"event_id\": \"" + EMAIL + "\"").body());
            seen.add(sluice.get("/metrics").body());
            assertEquals(1, sluice.gateway().store().countEvents("acme"));
            seen.add(filesUnder(dir));
        } finally {
            root.removeHandler(capture);
            root.setLevel(previous);
        }
        seen.add(filesUnder(dir));
        seen.add(logs.toString());
        assertTrue(logs.toString().contains("event=started"), "the log capture works");

        Set<String> forbidden = forbiddenForms();
        for (String text : seen) {
            String lower = text.toLowerCase(java.util.Locale.ROOT);
            for (String needle : forbidden) {
                assertFalse(lower.contains(needle.toLowerCase(java.util.Locale.ROOT)),
                        "personal data form leaked: " + needle.substring(0, Math.min(6, needle.length())) + "...");
            }
        }
    }

    /** Raw and normalized forms, and every platform's hash of them. */
    private static Set<String> forbiddenForms() {
        Set<String> forms = new LinkedHashSet<>(List.of(EMAIL, "canary.7f3a9", "6505550199", "650) 555-0199",
                "16505550199", "+16505550199", "canary7f3a9"));
        HashedIdentity[] all = IdentityHasher.create()
                .hash(new PersonalData(Map.of(PiiField.EMAIL, EMAIL, PiiField.PHONE, PHONE), "US"),
                        EnumSet.allOf(HashingProfile.class))
                .identities().values().toArray(HashedIdentity[]::new);
        for (HashedIdentity identity : all) {
            forms.addAll(identity.hashed().values());
            for (String hex : identity.hashed().values()) {
                byte[] raw = java.util.HexFormat.of().parseHex(hex);
                forms.add(new String(raw, StandardCharsets.ISO_8859_1));
                forms.add(java.util.Base64.getEncoder().withoutPadding().encodeToString(raw));
                forms.add(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
            }
        }
        assertTrue(forms.size() > 9, "hashes were computed");
        return forms;
    }

    private static String filesUnder(Path dir) throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                text.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        return text.toString();
    }
}
