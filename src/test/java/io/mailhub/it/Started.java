package io.mailhub.it;

/** What a test class started (hubs, sinks, servers), closed in order after its tests. */
final class Started {

    private Started() {}

    /** Closes each of {@code things} that was started ({@code null}: never started). */
    static void closeAll(AutoCloseable... things) throws Exception {
        for (AutoCloseable t : things) {
            if (t != null) {
                t.close();
            }
        }
    }
}
