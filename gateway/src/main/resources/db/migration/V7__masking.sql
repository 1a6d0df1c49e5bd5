-- Data masking (docs/masking-setup.md): the per-organization key of the HASH format, so that the
-- same value hashes to the same token in every session of the organization (and only there).
-- The rules themselves live in the 'dlp' plugin (plugin_connections.config); the redaction counts
-- of a session in sessions.metadata->'redactions'.
CREATE TABLE masking_keys (
    org_id      UUID PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    hash_key    BYTEA NOT NULL CHECK (length(hash_key) = 32),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
