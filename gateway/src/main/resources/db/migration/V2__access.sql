-- Issue 4 (identity and access): OIDC users are found again by the provider's subject; API keys
-- act as principals of their own, so the sessions they open keep the key's id in user_id.

ALTER TABLE users ADD COLUMN subject TEXT;
CREATE UNIQUE INDEX users_org_subject ON users (org_id, subject) WHERE subject IS NOT NULL;

ALTER TABLE sessions DROP CONSTRAINT IF EXISTS sessions_user_id_fkey;

CREATE INDEX login_states_expires ON login_states (expires_at);
