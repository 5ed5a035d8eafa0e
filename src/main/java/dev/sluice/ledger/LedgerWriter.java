package dev.sluice.ledger;

import dev.sluice.store.Companion;
import dev.sluice.store.EventRecord;
import dev.sluice.store.MultiRowInsert;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes ledger entries and their daily rollups inside the accepted events' transaction. Entries
 * are written as multi-row inserts; a refund first writes the entries before it and reads its
 * order's earlier entries (also those written moments ago in this transaction), so that it books
 * against the order's attribution and never more than what is left of the order.
 */
final class LedgerWriter implements Companion.Kind {

    static final LedgerWriter INSTANCE = new LedgerWriter();

    /** One ledger_entries row. */
    private record Row(Companion.Placed placed, LedgerEntry entry, Booking booking) {
    }

    private static final MultiRowInsert<Row> INSERT = new MultiRowInsert<>("ledger_entries",
            List.of("tenant_id", "event_row_id", "kind", "event_name", "event_id", "order_id", "occurred_at", "day",
                    "platform", "campaign", "currency", "amount_micros", "customer_key", "order_value_after",
                    "recorded_at"),
            LedgerWriter::bind);

    // An order as two small answers, however many entries share its id (a placeholder order id
    // sent with every purchase would otherwise be read whole, on PostgreSQL into memory at once):
    // its first purchase, then the sums of its purchases and refunds in that purchase's currency.
    // Refunds booked before the purchase arrived count too: until session 40 only entries from the
    // first purchase on did, and a refund without a value then refunded the whole order again.
    private static final String ORDER_FIRST = """
            SELECT platform, campaign, currency FROM ledger_entries
            WHERE tenant_id = ? AND order_id = ? AND kind = 'purchase' ORDER BY id LIMIT 1""";
    private static final String ORDER_SUMS = """
            SELECT coalesce(sum(CASE WHEN kind = 'purchase' THEN amount_micros ELSE 0 END), 0),
                   coalesce(sum(CASE WHEN kind = 'refund' THEN amount_micros ELSE 0 END), 0)
            FROM ledger_entries
            WHERE tenant_id = ? AND order_id = ? AND kind IN ('purchase', 'refund') AND currency = ?""";

    /** ORDER_SUMS with sums that cannot fail: SQLite's sum() stops at a long's range with an error. */
    private static final String ORDER_SUMS_APPROXIMATE = ORDER_SUMS.replace("sum(", "total(");

    // Deltas are summed per key before this runs: the PostgreSQL driver rewrites a batch into one
    // multi-row upsert, and PostgreSQL refuses an upsert that touches the same row twice. The sums
    // stop at a long's largest value (SATURATED) instead of failing (PostgreSQL: bigint out of
    // range, which failed the whole commit on every retry) or turning into an inexact real
    // (SQLite); reports refuse a row that reached it (Ledger.OutOfRange).
    private static final String ROLLUP = """
            INSERT INTO ledger_daily (tenant_id, day, platform, campaign, currency, revenue_micros, refund_micros,
                                      purchases, leads)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant_id, day, platform, campaign, currency) DO UPDATE SET
              revenue_micros = CASE WHEN excluded.revenue_micros > %1$d - ledger_daily.revenue_micros THEN %1$d
                                    ELSE ledger_daily.revenue_micros + excluded.revenue_micros END,
              refund_micros = CASE WHEN excluded.refund_micros > %1$d - ledger_daily.refund_micros THEN %1$d
                                   ELSE ledger_daily.refund_micros + excluded.refund_micros END,
              purchases = ledger_daily.purchases + excluded.purchases,
              leads = ledger_daily.leads + excluded.leads""".formatted(Ledger.SATURATED);

    private LedgerWriter() {
    }

    private record RollupKey(String tenant, long day, String platform, String campaign, String currency) {
    }

    /** Sums per rollup row: revenue, refunds (positive), purchases, leads. */
    private static final class Delta {
        long revenue;
        long refunds;
        long purchases;
        long leads;
    }

    @Override
    public void write(Connection connection, String dialect, List<Companion.Placed> placed) throws SQLException {
        Map<RollupKey, Delta> rollups = new LinkedHashMap<>();
        List<Row> pending = new ArrayList<>(placed.size());
        for (Companion.Placed p : placed) {
            LedgerEntry entry = (LedgerEntry) p.companion();
            Booking booking;
            if (entry.type() == EntryKind.REFUND) {
                // The refund reads its order's entries, so the ones before it must be written.
                INSERT.insert(connection, pending);
                pending.clear();
                Optional<Booking> refund = refund(connection, p.event().tenantId(), entry);
                if (refund.isEmpty()) {
                    continue;
                }
                booking = refund.get();
            } else {
                booking = new Booking(entry.attribution(), entry.currency(), entry.amountMicros().orElse(0L), null);
            }
            pending.add(new Row(p, entry, booking));
            roll(rollups, p.event(), entry, booking);
        }
        INSERT.insert(connection, pending);
        writeRollups(connection, rollups);
    }

    /** What an entry books: signed amount (refunds negative) against an attribution. */
    private record Booking(Attribution attribution, String currency, long signedMicros, Long orderValueAfter) {
    }

    /**
     * A refund: against its order's attribution, capped at what is left of the order when the
     * currencies match; without a value, the whole rest. Unknown orders book the refund's own
     * value against its own attribution. Empty when there is nothing to book.
     */
    private static Optional<Booking> refund(Connection c, String tenant, LedgerEntry entry) throws SQLException {
        Optional<Order> order = entry.orderId().isPresent() ? order(c, tenant, entry.orderId().get()) : Optional.empty();
        if (order.isEmpty()) {
            return entry.amountMicros().filter(m -> m > 0)
                    .map(m -> new Booking(entry.attribution(), entry.currency(), -m, null));
        }
        Order o = order.get();
        if (entry.amountMicros().isPresent() && !entry.currency().equals(o.currency)) {
            // Not comparable without a rate: booked as sent, against the order's attribution.
            long m = entry.amountMicros().get();
            return m > 0 ? Optional.of(new Booking(o.attribution, entry.currency(), -m, null)) : Optional.empty();
        }
        long remaining = o.value - o.refunded;
        long amount = Math.min(entry.amountMicros().orElse(remaining), remaining);
        if (amount <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Booking(o.attribution, o.currency, -amount, remaining - amount));
    }

    /** An order as booked so far: first purchase's attribution and currency, value, refunds in that currency. */
    private record Order(Attribution attribution, String currency, long value, long refunded) {
    }

    private static Optional<Order> order(Connection c, String tenant, String orderId) throws SQLException {
        Attribution attribution;
        String currency;
        try (PreparedStatement ps = c.prepareStatement(ORDER_FIRST)) {
            ps.setString(1, tenant);
            ps.setString(2, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                attribution = new Attribution(rs.getString(1), rs.getString(2));
                currency = rs.getString(3);
            }
        }
        try {
            return Optional.of(orderSums(c, ORDER_SUMS, tenant, orderId, attribution, currency));
        } catch (SQLException e) {
            if (e.getMessage() == null || !e.getMessage().contains("integer overflow")) {
                throw e;
            }
            // An order worth more than 9.2 x 10^12 units (SQLite): sums as reals, held to a long.
            return Optional.of(orderSums(c, ORDER_SUMS_APPROXIMATE, tenant, orderId, attribution, currency));
        }
    }

    private static Order orderSums(Connection c, String sql, String tenant, String orderId, Attribution attribution,
                                   String currency) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            ps.setString(2, orderId);
            ps.setString(3, currency);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                // Refunds are stored negative. PostgreSQL sums bigints into numeric, past a long.
                return new Order(attribution, currency, held(rs.getBigDecimal(1)), held(rs.getBigDecimal(2).negate()));
            }
        }
    }

    /** {@code micros} held to 0 .. {@link Ledger#SATURATED}. */
    private static long held(java.math.BigDecimal micros) {
        return micros.signum() <= 0 ? 0 : micros.compareTo(java.math.BigDecimal.valueOf(Ledger.SATURATED)) >= 0
                ? Ledger.SATURATED : micros.longValue();
    }

    private static void bind(MultiRowInsert.Values v, Row row) throws SQLException {
        Companion.Placed p = row.placed();
        LedgerEntry entry = row.entry();
        Booking b = row.booking();
        EventRecord event = p.event();
        v.setString(1, event.tenantId());
        v.setLong(2, p.eventRowId());
        v.setString(3, entry.type().stored());
        v.setString(4, event.eventName());
        v.setString(5, event.eventId());
        v.setString(6, entry.orderId().orElse(null));
        v.setLong(7, entry.occurredAt().toEpochMilli());
        v.setLong(8, entry.day().toEpochDay());
        v.setString(9, b.attribution().platform());
        v.setString(10, b.attribution().campaign());
        v.setString(11, b.currency());
        v.setLong(12, b.signedMicros());
        v.setString(13, entry.customerKey().orElse(null));
        if (b.orderValueAfter() == null) {
            v.setNull(14, Types.BIGINT);
        } else {
            v.setLong(14, b.orderValueAfter());
        }
        v.setLong(15, event.receivedAt().toEpochMilli());
    }

    private static void roll(Map<RollupKey, Delta> rollups, EventRecord event, LedgerEntry entry, Booking b) {
        // Leads carry no revenue, so they share one currency-less row per day and campaign.
        String currency = entry.type() == EntryKind.LEAD ? "" : b.currency();
        Delta d = rollups.computeIfAbsent(new RollupKey(event.tenantId(), entry.day().toEpochDay(),
                b.attribution().platform(), b.attribution().campaign(), currency), k -> new Delta());
        switch (entry.type()) {
            case PURCHASE -> {
                d.purchases++;
                d.revenue = saturated(d.revenue, b.signedMicros());
            }
            case LEAD -> d.leads++;
            case REFUND -> d.refunds = saturated(d.refunds, -b.signedMicros());
        }
    }

    /** {@code sum + micros} (both not negative), or {@link Ledger#SATURATED} past it. */
    private static long saturated(long sum, long micros) {
        return micros > Ledger.SATURATED - sum ? Ledger.SATURATED : sum + micros;
    }

    private static void writeRollups(Connection c, Map<RollupKey, Delta> rollups) throws SQLException {
        if (rollups.isEmpty()) {
            return;
        }
        try (dev.sluice.store.StatementCache.Lease lease = dev.sluice.store.StatementCache.prepare(c, ROLLUP)) {
            PreparedStatement ps = lease.statement();
            for (Map.Entry<RollupKey, Delta> e : rollups.entrySet()) {
                RollupKey k = e.getKey();
                Delta d = e.getValue();
                ps.setString(1, k.tenant());
                ps.setLong(2, k.day());
                ps.setString(3, k.platform());
                ps.setString(4, k.campaign());
                ps.setString(5, k.currency());
                ps.setLong(6, d.revenue);
                ps.setLong(7, d.refunds);
                ps.setLong(8, d.purchases);
                ps.setLong(9, d.leads);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
