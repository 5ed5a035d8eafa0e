package dev.sluice.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** A HikariCP pool over PostgreSQL; each transaction or read borrows one connection. */
final class PostgresConnections implements Connections {

    /** See {@link #pool}: how long borrowing a connection may take before the work fails. */
    static final long CONNECTION_TIMEOUT_MILLIS = 5_000;

    private final HikariDataSource pool;

    PostgresConnections(HikariDataSource pool) {
        this.pool = pool;
    }

    static HikariDataSource pool(StoreConfig config) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("sluice-store");
        hc.setJdbcUrl(config.jdbcUrl());
        if (config.user() != null) {
            hc.setUsername(config.user());
        }
        config.password().ifPresent(hc::setPassword);
        hc.setMaximumPoolSize(config.poolSize());
        // How long a transaction or read waits for a connection when the pool has none (the
        // server down or unreachable): then the request is answered 503 and readiness turns DOWN.
        // HikariCP's default, 30 s, held every ingest request and every readiness probe for 30 s
        // while PostgreSQL was stopped, longer than clients and probes wait.
        hc.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        hc.addDataSourceProperty("connectTimeout", Long.toString(CONNECTION_TIMEOUT_MILLIS / 1000));
        hc.setMinimumIdle(Math.min(2, config.poolSize()));
        // One multi-row INSERT per outbox batch instead of one round trip per row.
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        // Server error details quote row values (e.g. a key that already exists); keep event
        // data out of exception messages and therefore out of logs.
        hc.addDataSourceProperty("logServerErrorDetail", "false");
        return new HikariDataSource(hc);
    }

    @Override
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        try (Connection c = borrow()) {
            c.setAutoCommit(false);
            return Connections.commit(c, work);
        }
    }

    @Override
    public <T> T read(SqlWork<T> work) throws SQLException {
        try (Connection c = borrow()) {
            return work.run(c);
        }
    }

    @Override
    public String kind() {
        return StoreConfig.POSTGRES;
    }

    @Override
    public void close() {
        pool.close();
    }

    private Connection borrow() throws SQLException {
        if (pool.isClosed()) {
            throw new StoreException("store is closed");
        }
        return pool.getConnection();
    }
}
