package dev.sluice.audit;

import dev.sluice.store.SqlAccess;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A store's {@link SqlAccess} that records every statement prepared inside a transaction, with the
 * values bound to it, so that a test can ask the database how it plans them: what an erasure does
 * while it holds the writer (SQLite) or the tenant's chain head (PostgreSQL).
 */
final class RecordingSql implements SqlAccess {
    /** A statement as prepared, with the values bound to it by parameter index. */
    record Recorded(String sql, TreeMap<Integer, Object> values) {
        /** Binds the same values to {@code ps}, a statement of the same parameters. */
        void bind(PreparedStatement ps) throws SQLException {
            for (var value : values.entrySet()) {
                ps.setObject(value.getKey(), value.getValue());
            }
        }
    }

    private final SqlAccess base;
    final List<Recorded> inside = new ArrayList<>();
    /** Where each transaction's statements start in {@link #inside}. */
    final List<Integer> starts = new ArrayList<>();

    RecordingSql(SqlAccess base) {
        this.base = base;
    }

    @Override
    public <T> T inTransaction(Work<T> work) throws SQLException {
        return base.inTransaction(c -> {
            starts.add(inside.size());
            return work.run(recorded(c, inside));
        });
    }

    /** The statements of each transaction, in order (a transaction run again appears twice). */
    List<List<Recorded>> transactions() {
        List<List<Recorded>> out = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            out.add(inside.subList(starts.get(i), i + 1 < starts.size() ? starts.get(i + 1) : inside.size()));
        }
        return out;
    }

    /**
     * A query run through {@link #read}: its text, the fetch size its statement had and whether
     * its connection was in autocommit when it ran (PostgreSQL's driver streams rows only with a
     * fetch size and autocommit off).
     */
    record Read(String sql, int fetchSize, boolean autoCommit) {
    }

    final List<Read> reads = new ArrayList<>();

    @Override
    public <T> T read(Work<T> work) throws SQLException {
        return base.read(c -> work.run(readsRecorded(c)));
    }

    private Connection readsRecorded(Connection c) {
        return (Connection) Proxy.newProxyInstance(RecordingSql.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, c, args);
                    if (method.getName().equals("createStatement") && (args == null || args.length == 0)) {
                        java.sql.Statement st = (java.sql.Statement) result;
                        return Proxy.newProxyInstance(RecordingSql.class.getClassLoader(), new Class<?>[] {java.sql.Statement.class},
                                (p, m, a) -> {
                                    if (m.getName().startsWith("execute") && a != null && a.length == 1 && a[0] instanceof String sql) {
                                        reads.add(new Read(sql, st.getFetchSize(), c.getAutoCommit()));
                                    }
                                    return invoke(m, st, a);
                                });
                    }
                    if (method.getName().equals("prepareStatement")) {
                        PreparedStatement ps = (PreparedStatement) result;
                        String sql = (String) args[0];
                        return Proxy.newProxyInstance(RecordingSql.class.getClassLoader(), new Class<?>[] {PreparedStatement.class},
                                (p, m, a) -> {
                                    if (m.getName().equals("executeQuery")) {
                                        reads.add(new Read(sql, ps.getFetchSize(), c.getAutoCommit()));
                                    }
                                    return invoke(m, ps, a);
                                });
                    }
                    return result;
                });
    }

    @Override
    public String dialect() {
        return base.dialect();
    }

    /** {@code c}, recording into {@code statements} each statement prepared on it and what is bound to it. */
    static Connection recorded(Connection c, List<Recorded> statements) {
        return (Connection) Proxy.newProxyInstance(RecordingSql.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, c, args);
                    if (method.getName().equals("prepareStatement")) {
                        Recorded recorded = new Recorded((String) args[0], new TreeMap<>());
                        statements.add(recorded);
                        return statement((PreparedStatement) result, recorded);
                    }
                    return result;
                });
    }

    private static PreparedStatement statement(PreparedStatement ps, Recorded recorded) {
        return (PreparedStatement) Proxy.newProxyInstance(RecordingSql.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("set") && args != null && args.length == 2 && args[0] instanceof Integer i) {
                        recorded.values().put(i, args[1]);
                    }
                    return invoke(method, ps, args);
                });
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
