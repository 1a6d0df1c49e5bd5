package dev.hoop.gateway;

import dev.hoop.gateway.broker.SessionLedger;
import dev.hoop.gateway.search.SessionIndex;
import java.time.Instant;
import java.util.UUID;

/**
 * The search plugin follows the ledger: a session is indexed when its row is written, at open and
 * at end. A wrapper made at wiring, so that the broker records sessions without knowing of search.
 */
final class IndexedLedger implements SessionLedger {
    private final SessionLedger ledger;
    private final SessionIndex index;

    IndexedLedger(SessionLedger ledger, SessionIndex index) {
        this.ledger = ledger;
        this.index = index;
    }

    @Override
    public void opened(Opened s) {
        ledger.opened(s);
        index.index(s.id());
    }

    @Override
    public void closed(UUID id, Integer exitCode, String error, Instant endedAt) {
        ledger.closed(id, exitCode, error, endedAt);
        index.index(id);
    }

    @Override
    public void redactions(UUID id, String summaryJson) {
        ledger.redactions(id, summaryJson);
    }
}
