-- Issue 17 (replay, tamper-evident recordings, retention).

-- Terminal resizes (w) and PostgreSQL statement results (r) are recorded beside input, output, errors
-- and client connections opened (c) and closed (x) (V9).
ALTER TABLE session_events DROP CONSTRAINT IF EXISTS session_events_type_check;
ALTER TABLE session_events ADD CONSTRAINT session_events_type_check CHECK (type IN ('i', 'o', 'e', 'c', 'x', 'w', 'r'));

-- One seal per session, written when its events are flushed: the SHA-256 of each event (so that a
-- verification can name the event that changed), the digest over them, and the gateway's Ed25519
-- signature of that digest.
CREATE TABLE session_seals (
    session_id    UUID PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    org_id        UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    event_count   BIGINT NOT NULL,
    event_hashes  BYTEA NOT NULL,
    digest        BYTEA NOT NULL,
    signature     BYTEA NOT NULL,
    public_key    BYTEA NOT NULL,
    sealed_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Each retention run that deleted something: the cutoff and the counts.
CREATE TABLE audit_deletions (
    id                BIGSERIAL PRIMARY KEY,
    deleted_at        TIMESTAMPTZ NOT NULL,
    cutoff            TIMESTAMPTZ NOT NULL,
    retention_days    INTEGER NOT NULL,
    sessions_deleted  BIGINT NOT NULL,
    events_deleted    BIGINT NOT NULL
);
