package dev.sluice.audit;

import dev.sluice.consent.ConsentDecision;
import dev.sluice.consent.Decision;
import dev.sluice.consent.Restrictions;
import dev.sluice.consent.SignalsSeen;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A packed decision record renders, when read, exactly the canonical body that was hashed; a record
 * that UTF-8 cannot carry is not packed; damaged bytes read as an error, never as another record
 * silently (that is the chain hash's job) and never as an exception of another kind.
 */
class PackedDecisionTest {

    @Test
    void generatedRecordsRenderAgainAsTheyWereHashed() {
        Random random = new Random(20261130L);
        int packed = 0;
        for (int i = 0; i < 3_000; i++) {
            AuditEntry.Decided d = DecisionBodyTest.decided(random);
            String tenant = "t" + i;
            byte[] stored = PackedDecision.pack(d);
            if (stored == null) {
                assertTrue(hasUnpairedSurrogate(d), "record " + i + " was not packed without a reason");
                continue;
            }
            packed++;
            assertTrue(PackedDecision.isPacked(stored));
            String expected = DecisionBody.open(tenant, d).close(i);
            assertEquals(expected, DecisionBody.open(tenant, PackedDecision.unpack(stored, d.at(), d.eventId())).close(i),
                    "record " + i);
            assertEquals(expected, AuditReader.body(tenant, i, stored, d.at(), d.eventId()), "record " + i);
        }
        assertTrue(packed > 500, "packed: " + packed);
    }

    @Test
    void theLoadTestsRecordPacksToAThirdOfItsBody() {
        AuditEntry.Decided d = new AuditEntry.Decided(Instant.ofEpochMilli(1_795_000_000_123L), "load-1-000123", "Purchase",
                List.of(new ConsentDecision("meta", "meta", Decision.ALLOW, List.of("us.no-opt-out"), List.of("no_opt_out"),
                                Restrictions.NOTHING, "us-state-privacy:US-CA"),
                        new ConsentDecision("warehouse", "webhook", Decision.ALLOW, List.of("us.no-opt-out"),
                                List.of("no_opt_out"), Restrictions.NOTHING, "us-state-privacy:US-CA")),
                new SignalsSeen(Map.of("ad_user_data", "granted", "ad_personalization", "denied"), Optional.empty(),
                        Optional.of(false), Optional.empty(), Optional.empty()),
                "us-state-privacy:US-CA", "2026-09-01.1", "cd".repeat(32));
        byte[] stored = PackedDecision.pack(d);
        assertNotNull(stored);
        int body = DecisionBody.open("demo", d).close(123_456).length();
        assertTrue(stored.length * 3 < body, stored.length + " packed bytes for a body of " + body);
    }

    @Test
    void recordsWithTextUtf8CannotCarryStayText() {
        AuditEntry.Decided golden = CanonicalJsonTest.DECIDED;
        AuditEntry.Decided lone = new AuditEntry.Decided(golden.at(), golden.eventId(), "Purchase\ud800", golden.decisions(),
                golden.seen(), golden.jurisdiction(), golden.policyVersion(), golden.policySha256());
        assertNull(PackedDecision.pack(lone));
        assertNotNull(PackedDecision.pack(golden));
    }

    @Test
    void damagedBytesReadAsAnErrorOrAsADifferentRecordNeverAsAnotherException() {
        Random random = new Random(7);
        AuditEntry.Decided golden = CanonicalJsonTest.DECIDED;
        byte[] stored = PackedDecision.pack(golden);
        String expected = DecisionBody.open("acme", golden).close(1);
        for (int cut = 0; cut < stored.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(stored, cut);
            assertThrows(IllegalArgumentException.class, () -> PackedDecision.unpack(truncated, golden.at(), golden.eventId()),
                    "cut at " + cut);
        }
        assertThrows(IllegalArgumentException.class, () -> PackedDecision.unpack(
                java.util.Arrays.copyOf(stored, stored.length + 1), golden.at(), golden.eventId()));
        int different = 0;
        for (int n = 0; n < 5_000; n++) {
            byte[] damaged = stored.clone();
            int at = 1 + random.nextInt(damaged.length - 1);
            damaged[at] ^= (byte) (1 + random.nextInt(255));
            try {
                String read = DecisionBody.open("acme", PackedDecision.unpack(damaged, golden.at(), golden.eventId())).close(1);
                if (!read.equals(expected)) {
                    different++;
                }
            } catch (IllegalArgumentException expectedError) {
                // damaged beyond reading
            } catch (RuntimeException other) {
                throw new AssertionError("damaged at byte " + at, other);
            }
            assertEquals(AuditReader.UNREADABLE_BODY.equals(AuditReader.body("acme", 1, damaged, golden.at(), golden.eventId())),
                    isUnreadable(damaged, golden), "byte " + at);
        }
        assertTrue(different > 0);
    }

    private static boolean isUnreadable(byte[] damaged, AuditEntry.Decided golden) {
        try {
            PackedDecision.unpack(damaged, golden.at(), golden.eventId());
            return false;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    private static boolean hasUnpairedSurrogate(AuditEntry.Decided d) {
        StringBuilder all = new StringBuilder();
        java.util.function.Consumer<String> add = s -> all.append(s == null ? "" : s).append('|');
        add.accept(d.eventName());
        add.accept(d.jurisdiction());
        add.accept(d.policyVersion());
        add.accept(d.policySha256());
        d.decisions().forEach(c -> {
            add.accept(c.destinationId());
            add.accept(c.destinationType());
            c.reasonCodes().forEach(add);
            c.ruleIds().forEach(add);
        });
        d.seen().consentMode().forEach((k, v) -> { add.accept(k); add.accept(v); });
        d.seen().usPrivacy().ifPresent(add);
        d.seen().tcf().ifPresent(t -> add.accept(t.stringSha256()));
        String s = all.toString();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
