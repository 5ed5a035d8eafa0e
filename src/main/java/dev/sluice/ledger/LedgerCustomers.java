package dev.sluice.ledger;

import dev.sluice.privacy.TenantCrypto;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger's customer keys (tenant-peppered HMACs, see {@link LedgerSource}) and their
 * unlinking for erasure: the entries stay (revenue is the merchant's own bookkeeping), but no
 * longer point at the person, so they drop out of CLV's distinct-customer counts.
 */
public final class LedgerCustomers {
    private LedgerCustomers() {
    }

    /** Every key the ledger may have booked this subject under (by external id and by email). */
    public static List<String> keys(TenantCrypto crypto, Optional<String> email, Optional<String> externalId) {
        List<String> keys = new ArrayList<>(2);
        identifier("ext:", externalId).ifPresent(id -> keys.add(crypto.customerKey(id)));
        emailIdentifier(email).ifPresent(e -> keys.add(crypto.customerKey(e)));
        return keys;
    }

    /**
     * The key an entry is booked under: the first of {@link #keys} (external id, else email),
     * without computing the second.
     */
    public static Optional<String> key(TenantCrypto crypto, Optional<String> email, Optional<String> externalId) {
        Optional<String> identifier = identifier("ext:", externalId);
        if (identifier.isEmpty()) {
            identifier = emailIdentifier(email);
        }
        return identifier.map(crypto::customerKey);
    }

    private static Optional<String> identifier(String prefix, Optional<String> value) {
        return value.map(String::strip).filter(s -> !s.isEmpty()).map(s -> prefix + s);
    }

    private static Optional<String> emailIdentifier(Optional<String> email) {
        return identifier("email:", email.map(e -> e.toLowerCase(Locale.ROOT)));
    }

    /**
     * Clears the customer key of the tenant's entries booked under {@code keys} or under any key
     * found on the entries of {@code eventRowIds} (the subject's events: an erasure by email must
     * also reach entries booked under the same person's external id), and removes those
     * customers' ids from the distinct-customer sets of the buckets their purchases were booked
     * in, inside the caller's transaction; returns how many entries were unlinked. Rare, so it
     * may scan.
     *
     * <p>The fold state's version is bumped first: a fold that read these entries before this
     * transaction then does not write their ids back, and on PostgreSQL a fold that is writing
     * right now holds the state row, so this waits and then edits the sets it wrote. An id that
     * another of the tenant's customers shares (see {@link CustomerIds}) leaves that bucket too.
     */
    public static long unlink(Connection connection, String tenantId, List<String> keys, List<Long> eventRowIds)
            throws SQLException {
        java.util.Set<String> all = new java.util.LinkedHashSet<>(keys);
        selectIn(connection, "SELECT DISTINCT customer_key FROM ledger_entries WHERE tenant_id = ?"
                + " AND customer_key IS NOT NULL AND event_row_id", tenantId, eventRowIds, rs -> all.add(rs.getString(1)));
        List<String> list = List.copyOf(all);
        if (list.isEmpty()) {
            return 0;
        }
        CustomerDays.touch(connection);
        Map<CustomerDays.Bucket, long[]> booked = purchaseBuckets(connection, tenantId, list);
        long unlinked = 0;
        for (int from = 0; from < list.size(); from += CHUNK) {
            List<String> chunk = list.subList(from, Math.min(list.size(), from + CHUNK));
            String sql = "UPDATE ledger_entries SET customer_key = NULL WHERE tenant_id = ? AND customer_key IN ("
                    + "?,".repeat(chunk.size() - 1) + "?)";
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                ps.setString(1, tenantId);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 2, chunk.get(i));
                }
                unlinked += ps.executeUpdate();
            }
        }
        CustomerDays.forget(connection, booked);
        return unlinked;
    }

    /** The buckets the purchases booked under {@code keys} are in, with those customers' ids in each. */
    private static Map<CustomerDays.Bucket, long[]> purchaseBuckets(Connection connection, String tenantId,
                                                                    List<String> keys) throws SQLException {
        Map<CustomerDays.Bucket, LongList> ids = new HashMap<>();
        selectIn(connection, "SELECT DISTINCT day, platform, campaign, customer_key FROM ledger_entries WHERE tenant_id = ?"
                + " AND kind = 'purchase' AND customer_key", tenantId, keys,
                rs -> ids.computeIfAbsent(new CustomerDays.Bucket(tenantId, rs.getLong(1), rs.getString(2), rs.getString(3)),
                        k -> new LongList()).add(CustomerIds.of(rs.getString(4))));
        Map<CustomerDays.Bucket, long[]> sorted = new HashMap<>();
        ids.forEach((bucket, list) -> sorted.put(bucket, list.sortedDistinct()));
        return sorted;
    }

    /** One row of a {@link #selectIn} result. */
    @FunctionalInterface
    private interface Row {
        void read(java.sql.ResultSet rs) throws SQLException;
    }

    /**
     * Runs {@code sqlBeforeIn} (ending in the column to match, its first parameter the tenant)
     * with {@code IN (...)} over {@code values}, {@value #CHUNK} at a time, and hands each row to
     * {@code row}.
     */
    private static void selectIn(Connection connection, String sqlBeforeIn, String tenantId, List<?> values, Row row)
            throws SQLException {
        for (int from = 0; from < values.size(); from += CHUNK) {
            List<?> chunk = values.subList(from, Math.min(values.size(), from + CHUNK));
            String sql = sqlBeforeIn + " IN (" + "?,".repeat(chunk.size() - 1) + "?)";
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                ps.setString(1, tenantId);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setObject(i + 2, chunk.get(i));
                }
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        row.read(rs);
                    }
                }
            }
        }
    }

    private static final int CHUNK = 500;
}
