package dev.sluice.store;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Wraps a store so that its first write waits for the test's go-ahead. While the writer thread is
 * parked there, the test can line requests up in the queue and close the writer deterministically.
 */
final class GatedStore implements Store {

    private final Store delegate;
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    GatedStore(Store delegate) {
        this.delegate = delegate;
    }

    void awaitFirstWrite() throws InterruptedException {
        if (!entered.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the writer never called the store");
        }
    }

    void open() {
        release.countDown();
    }

    @Override
    public List<WriteOutcome> write(List<EventRecord> events) {
        entered.countDown();
        try {
            if (!release.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the gate was never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return delegate.write(events);
    }

    @Override
    public boolean ping() {
        return delegate.ping();
    }

    @Override
    public long countEvents(String tenantId) {
        return delegate.countEvents(tenantId);
    }

    @Override
    public List<OutboxRow> outbox(String tenantId, int limit) {
        return delegate.outbox(tenantId, limit);
    }

    @Override
    public DeliveryStore delivery() {
        return delegate.delivery();
    }

    @Override
    public String kind() {
        return delegate.kind();
    }

    @Override
    public SqlAccess sql() {
        return delegate.sql();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
