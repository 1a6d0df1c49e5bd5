-- Issue 4 (identity and access): OIDC users are found again by the provider's subject; API keys
-- act as principals of their own, so the sessions they open keep the key's id in user_id.

ALTER TABLE users ADD COLUMN subject TEXT;
CREATE UNIQUE INDEX users_org_subject ON users (org_id, subject) WHERE subject IS NOT NULL;

ALTER TABLE sessions DROP CONSTRAINT IF EXISTS sessions_user_id_fkey;

CREATE INDEX login_states_expires ON login_states (expires_at);

-- Refresh tokens of local users: single use (rotated at each refresh), stored as SHA-256 hashes.
CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY,
    org_id      UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
