package dev.hoop.gateway.store;

import java.nio.file.Path;

/** A gateway's embedded store in a process of its own, for tests that kill it: prints "ready" and waits. */
public final class EmbeddedStoreChild {
    private EmbeddedStoreChild() {}

    public static void main(String[] args) throws Exception {
        EmbeddedPostgresStore store = EmbeddedPostgresStore.start(Path.of(args[0]));
        System.out.println("ready " + store.jdbcUrl());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
