package dev.sluice.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.consent.ConsentDecision;
import dev.sluice.consent.Decision;
import dev.sluice.consent.Restrictions;
import dev.sluice.consent.SignalsSeen;
import dev.sluice.consent.TcfFacts;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Golden values for the canonical form and the chain hash, as docs/audit.md specifies them: a
 * verifier written in another language must produce exactly these bytes and hashes.
 */
class CanonicalJsonTest {

    static final AuditEntry.Decided DECIDED = new AuditEntry.Decided(Instant.ofEpochMilli(1_795_000_000_123L), "order-1",
            "Purchase", List.of(
                    new ConsentDecision("meta", "meta", Decision.LIMITED, List.of("us.gpc", "us.baseline"),
                            List.of("gpc"), Restrictions.NOTHING, "us-state-privacy:US-CA"),
                    new ConsentDecision("warehouse", "webhook", Decision.ALLOW, List.of("us.baseline"),
                            List.of(), Restrictions.NOTHING, "us-state-privacy:US-CA")),
            new SignalsSeen(Map.of("ad_user_data", "granted"), Optional.of(new TcfFacts(false, 7, 4, Set.of(7, 1),
                    Set.of(), Set.of(755), Set.of(), "ab".repeat(32))), Optional.of(true), Optional.of("1YYN"),
                    Optional.empty()),
            "us-state-privacy:US-CA", "2026-09-01.1", "cd".repeat(32));

    static final String GOLDEN_BODY = "{\"decisions\":["
            + "{\"decision\":\"LIMITED\",\"destination_id\":\"meta\",\"destination_type\":\"meta\","
            + "\"reason_codes\":[\"gpc\"],\"rule_ids\":[\"us.gpc\",\"us.baseline\"]},"
            + "{\"decision\":\"ALLOW\",\"destination_id\":\"warehouse\",\"destination_type\":\"webhook\","
            + "\"reason_codes\":[],\"rule_ids\":[\"us.baseline\"]}],"
            + "\"event_id\":\"order-1\",\"event_name\":\"Purchase\",\"jurisdiction\":\"us-state-privacy:US-CA\","
            + "\"kind\":\"decision\",\"policy_sha256\":\"" + "cd".repeat(32) + "\",\"policy_version\":\"2026-09-01.1\","
            + "\"seq\":1,"
            + "\"signals\":{\"consent_mode\":{\"ad_user_data\":\"granted\"},\"gpc\":true,"
            + "\"tcf\":{\"cmp_id\":7,\"gdpr_applies\":false,\"policy_version\":4,\"purpose_consents\":[1,7],"
            + "\"purpose_legitimate_interests\":[],\"sha256\":\"" + "ab".repeat(32) + "\",\"special_feature_opt_ins\":[],"
            + "\"vendor_consents\":[755]},\"us_privacy\":\"1YYN\"},\"tenant\":\"acme\",\"time\":1795000000123}";

    @Test
    void decisionBodyIsSortedCompactAndOmitsAbsentValues() {
        assertEquals(GOLDEN_BODY, ChainAppender.body("acme", 1, DECIDED));
    }

    /**
     * A retention record names the removed destinations it purged rows of (since session 40) in a
     * member of its own, only when there are any: a record without one is byte for byte what
     * earlier versions wrote, so their chains and exports hash as before, and a verifier that does
     * not know the member hashes it like any other.
     */
    @Test
    void aRetentionRecordNamesUndeliverableDestinationsOnlyWhenItPurgedTheirRows() {
        Instant at = Instant.ofEpochMilli(1795000000123L);
        String before = "{\"kind\":\"retention\",\"purged\":{\"dead_letters\":0,\"events\":2},"
                + "\"retained_from_prev_hash\":\"" + "ab".repeat(32) + "\",\"retained_from_seq\":5,\"seq\":7,"
                + "\"tenant\":\"acme\",\"time\":1795000000123}";
        assertEquals(before, ChainAppender.body("acme", 7, new AuditEntry.Purged(at,
                Map.of("events", 2L, "dead_letters", 0L), 5, "ab".repeat(32))));
        assertEquals(before, ChainAppender.body("acme", 7, new AuditEntry.Purged(at,
                Map.of("events", 2L, "dead_letters", 0L), 5, "ab".repeat(32), List.of())));
        assertEquals(before.replace("\"time\":1795000000123}",
                        "\"time\":1795000000123,\"undeliverable_destinations\":[\"meta\",\"old-hook\"]}"),
                ChainAppender.body("acme", 7, new AuditEntry.Purged(at, Map.of("events", 2L, "dead_letters", 0L), 5,
                        "ab".repeat(32), List.of("old-hook", "meta"))));
    }

    @Test
    void anObjectWithItsOpenMemberFilledInIsTheObjectWrittenWhole() {
        List<Map<String, Object>> objects = List.of(Map.of(), Map.of("a", "x"), Map.of("z", 1L),
                Map.of("a", "x\"y", "z", List.of(1L, "\u0001")), Map.of("a", true, "b", Map.of("seq", 2L), "t", "é😀"));
        for (Map<String, Object> members : objects) {
            for (long seq : new long[] {0, 1, 9_007_199_254_740_991L}) {
                Map<String, Object> whole = new java.util.HashMap<>(members);
                whole.put("seq", seq);
                assertEquals(CanonicalJson.write(whole), CanonicalJson.open(members, "seq").close(seq), members.toString());
            }
        }
        assertEquals("{\"seq\":1}", CanonicalJson.open(Map.of(), "seq").close(1));
    }

    @Test
    void nullMembersAreLeftOutOfSortedAndUnsortedMapsAlike() {
        java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>();
        sorted.put("b", null);
        sorted.put("a", "x");
        sorted.put("c", 1L);
        java.util.LinkedHashMap<String, Object> unsorted = new java.util.LinkedHashMap<>();
        unsorted.put("c", 1L);
        unsorted.put("b", null);
        unsorted.put("a", "x");
        assertEquals("{\"a\":\"x\",\"c\":1}", CanonicalJson.write(sorted));
        assertEquals("{\"a\":\"x\",\"c\":1}", CanonicalJson.write(unsorted));
        assertEquals("{\"a\":\"x\",\"c\":1,\"seq\":5}", CanonicalJson.open(sorted, "seq").close(5));
    }

    @Test
    void anOpenMemberCannotAlsoHaveAValue() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CanonicalJson.open(Map.of("seq", 1L), "seq"));
    }

    @Test
    void chainHashIsSha256OverPrefixPreviousHashAndBody() {
        // Computed independently: python3 -c 'import hashlib; print(hashlib.sha256(
        //   ("sluice-audit-v1\n" + "0"*64 + "\n" + body).encode()).hexdigest())'
        assertEquals("e455f5b3418b1835d5b67e4f39a56f5d70fc5ea77716f4cb9e2b88158cdf4925", ChainHash.of(ChainHash.GENESIS, GOLDEN_BODY));
    }

    @Test
    void theWritersChainOnBytesIsTheVerifiersChainOnText() {
        // The store's writer chains records on bytes (ChainHash#next over the rendered UTF-8 and
        // the previous hash's digits); verifiers chain on text (ChainHash#of). Bodies with
        // multi-byte characters and escapes, sequence numbers of every length, one chain through all.
        List<Map<String, Object>> objects = List.of(Map.of(), Map.of("a", "x"), Map.of("z", 1L),
                Map.of("a", "x\"y", "z", List.of(1L, "\u0001")), Map.of("a", true, "b", Map.of("seq", 2L), "t", "é😀 Zoë ß"));
        MessageDigest digest = ChainHash.newDigest();
        String previous = ChainHash.GENESIS;
        byte[] previousBytes = previous.getBytes(StandardCharsets.UTF_8);
        int checked = 0;
        for (Map<String, Object> members : objects) {
            CanonicalJson.OpenObject open = CanonicalJson.open(members, "seq");
            for (long seq : new long[] {0, 1, 9, 10, 99, 100, 12_345, 9_007_199_254_740_991L, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
                String expected = ChainHash.of(previous, open.close(seq));
                byte[] raw = ChainHash.next(digest, previousBytes, open, seq);
                assertEquals(expected, new String(ChainHash.hexAscii(raw), StandardCharsets.US_ASCII), members + " seq " + seq);
                assertArrayEquals(HexFormat.of().parseHex(expected), ChainHash.rawOf(expected));
                previous = expected;
                previousBytes = ChainHash.hexAscii(raw);
                checked++;
            }
        }
        assertEquals(55, checked);
        // A previous hash that is not hex digits (text as an older store kept it) is fed as its bytes.
        String legacy = "not-a-hex-hash é";
        assertEquals(ChainHash.of(legacy, GOLDEN_BODY), new String(ChainHash.hexAscii(ChainHash.next(digest,
                legacy.getBytes(StandardCharsets.UTF_8), ChainAppender.render("acme", DECIDED, true).body(), 1)),
                StandardCharsets.US_ASCII));
        assertEquals("e455f5b3418b1835d5b67e4f39a56f5d70fc5ea77716f4cb9e2b88158cdf4925", new String(ChainHash.hexAscii(
                ChainHash.next(digest, ChainHash.GENESIS.getBytes(StandardCharsets.UTF_8),
                        ChainAppender.render("acme", DECIDED, true).body(), 1)), StandardCharsets.US_ASCII));
    }

    @Test
    void onlySixtyFourLowerCaseHexDigitsAreStoredRaw() {
        assertArrayEquals(new byte[32], ChainHash.rawOf(ChainHash.GENESIS));
        assertArrayEquals(HexFormat.of().parseHex("09af".repeat(16)), ChainHash.rawOf("09af".repeat(16)));
        assertNull(ChainHash.rawOf("09AF".repeat(16)));
        assertNull(ChainHash.rawOf("09af".repeat(16) + "0"));
        assertNull(ChainHash.rawOf("09af".repeat(15) + "09a"));
        assertNull(ChainHash.rawOf("09af".repeat(15) + "09ag"));
        assertNull(ChainHash.rawOf("09af".repeat(15) + "/9af"));
        assertNull(ChainHash.rawOf("09af".repeat(15) + ":9af"));
        assertNull(ChainHash.rawOf("09af".repeat(15) + "`9af"));
        assertNull(ChainHash.rawOf(""));
    }

    @Test
    void stringsEscapeQuotesBackslashesAndControlCharactersOnly() {
        assertEquals("\"a\\\"b\\\\c\\n\\t\\u0001é😀\\ud800\"", CanonicalJson.write("a\"b\\c\n\t\u0001é😀\ud800"));
    }

    @Test
    void parsedRecordReserializesToTheHashedBytes() throws Exception {
        String pretty = new ObjectMapper().readTree(GOLDEN_BODY).toPrettyString();
        assertEquals(GOLDEN_BODY, CanonicalJson.write(CanonicalJson.fromJson(new ObjectMapper().readTree(pretty))));
    }
}
