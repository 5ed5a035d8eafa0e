package dev.sluice.testing;

/** Test teardown: closes resources in order, skipping nulls (setup may have stopped early). */
public final class Closing {
    private Closing() {
    }

    /**
     * Closes every non-null resource in the order given, even when an earlier one fails; the first
     * failure is thrown after all were tried, later ones are attached to it.
     */
    public static void inOrder(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                RuntimeException wrapped = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                if (failure == null) {
                    failure = wrapped;
                } else {
                    failure.addSuppressed(wrapped);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
