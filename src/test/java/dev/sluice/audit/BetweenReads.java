package dev.sluice.audit;

import dev.sluice.store.SqlAccess;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.IntPredicate;

/**
 * A store's {@link SqlAccess} that runs an action just before chosen reads: before a statement
 * whose SQL contains {@code text} is prepared on a read, the {@code n}-th time (from 1) for each
 * {@code n} that {@code at} accepts. It makes what a long read (an export, a verification) meets
 * when another transaction commits between two of its reads happen at a chosen point, every time.
 * Transactions pass through untouched; the action runs on the reading thread, before the statement
 * exists, so it may write through the real store.
 */
final class BetweenReads implements SqlAccess {
    /** The text of a page of audit records ({@link AuditReader}'s select). */
    static final String RECORD_PAGE = "SELECT seq, prev_hash, hash, body";
    /** The text of a page of checkpoints. */
    static final String CHECKPOINT_PAGE = "SELECT seq, hash, signed_at, key_id, signature";
    /** The text of a read of the tenant's head row. */
    static final String HEAD = "FROM audit_heads";

    private final SqlAccess base;
    private final String text;
    private final IntPredicate at;
    private final Runnable action;
    private int seen;

    BetweenReads(SqlAccess base, String text, IntPredicate at, Runnable action) {
        this.base = base;
        this.text = text;
        this.at = at;
        this.action = action;
    }

    /** As an action: the read fails instead, as a store whose disk failed would. */
    static final Runnable FAIL = () -> { };

    /** Runs {@code action} before the {@code n}-th read containing {@code text} only. */
    static BetweenReads before(SqlAccess base, String text, int n, Runnable action) {
        return new BetweenReads(base, text, i -> i == n, action);
    }

    /** How many reads containing the text were prepared. */
    int seen() {
        return seen;
    }

    @Override
    public <T> T inTransaction(Work<T> work) throws SQLException {
        return base.inTransaction(work);
    }

    @Override
    public <T> T read(Work<T> work) throws SQLException {
        return base.read(c -> work.run(hooked(c)));
    }

    @Override
    public String dialect() {
        return base.dialect();
    }

    private Connection hooked(Connection c) {
        return (Connection) Proxy.newProxyInstance(BetweenReads.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && ((String) args[0]).contains(text) && at.test(++seen)) {
                        if (action == FAIL) {
                            throw new SQLException("disk I/O error (a test's)", "58030");
                        }
                        action.run();
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
