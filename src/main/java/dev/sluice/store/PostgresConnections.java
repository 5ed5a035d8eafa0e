package dev.sluice.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** A HikariCP pool over PostgreSQL; each transaction or read borrows one connection. */
final class PostgresConnections implements Connections {

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
