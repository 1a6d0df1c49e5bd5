-- The whole system's schema (issue 2 uses orgs, users, agents, connections, server_config;
-- issues 3 and 4 use the rest). Every row carries org_id: ORG_MULTI_TENANT isolates by it.
-- Real PostgreSQL SQL: the embedded store is a real PostgreSQL too, so there is one dialect.

CREATE TABLE orgs (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name        TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE server_config (
    org_id          UUID PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    signup_enabled  BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id             UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id         UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    name           TEXT NOT NULL DEFAULT '',
    password_hash  TEXT,
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_org_email ON users (org_id, lower(email));

CREATE TABLE user_groups (
    org_id   UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id  UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    PRIMARY KEY (user_id, name)
);
CREATE INDEX user_groups_org_name ON user_groups (org_id, name);

CREATE TABLE agents (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    mode        TEXT NOT NULL DEFAULT 'standard',
    key_hash    TEXT NOT NULL UNIQUE,          -- hex SHA-256 of the secret; never the secret
    hostname    TEXT,
    version     TEXT,
    platform    TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (org_id, name)
);

CREATE TABLE client_keys (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    key_hash    TEXT NOT NULL UNIQUE,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (org_id, name)
);

CREATE TABLE connections (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id           UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    type             TEXT NOT NULL CHECK (type IN ('postgres', 'tcp', 'command-line', 'http')),
    subtype          TEXT,
    command          JSONB NOT NULL DEFAULT '[]'::jsonb,
    agent_id         UUID REFERENCES agents (id) ON DELETE SET NULL,
    access_mode_run     BOOLEAN NOT NULL DEFAULT TRUE,
    access_mode_exec    BOOLEAN NOT NULL DEFAULT TRUE,
    access_mode_connect BOOLEAN NOT NULL DEFAULT TRUE,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (org_id, name)
);

-- Values are write-only through the API: only the agent receives them (agent.connection_params).
CREATE TABLE connection_secrets (
    connection_id  UUID NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    org_id         UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    key            TEXT NOT NULL,
    value          TEXT NOT NULL,
    PRIMARY KEY (connection_id, key)
);

CREATE TABLE plugins (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    config      JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (org_id, name)
);

CREATE TABLE plugin_connections (
    plugin_id      UUID NOT NULL REFERENCES plugins (id) ON DELETE CASCADE,
    connection_id  UUID NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    org_id         UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    config         JSONB NOT NULL DEFAULT '[]'::jsonb,
    PRIMARY KEY (plugin_id, connection_id)
);

CREATE TABLE sessions (
    id               UUID PRIMARY KEY,
    org_id           UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id          UUID REFERENCES users (id) ON DELETE SET NULL,
    user_email       TEXT,
    connection_name  TEXT NOT NULL,
    connection_type  TEXT NOT NULL,
    verb             TEXT NOT NULL CHECK (verb IN ('connect', 'exec')),
    status           TEXT NOT NULL DEFAULT 'open',
    exit_code        INTEGER,
    started_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at         TIMESTAMPTZ,
    metadata         JSONB NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX sessions_org_started ON sessions (org_id, started_at DESC);

CREATE TABLE session_events (
    session_id  UUID NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    org_id      UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    offset_ms   BIGINT NOT NULL,
    type        CHAR(1) NOT NULL CHECK (type IN ('i', 'o', 'e')),
    data        BYTEA NOT NULL,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE reviews (
    id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id        UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    session_id    UUID NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    type          TEXT NOT NULL CHECK (type IN ('onetime', 'jit')),
    status        TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'REVOKED', 'EXECUTED')),
    input         TEXT,
    duration_sec  INTEGER,
    created_by    UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoke_at     TIMESTAMPTZ
);

CREATE TABLE review_groups (
    review_id    UUID NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    org_id       UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    group_name   TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
    reviewed_by  UUID REFERENCES users (id) ON DELETE SET NULL,
    reviewed_at  TIMESTAMPTZ,
    PRIMARY KEY (review_id, group_name)
);

CREATE TABLE login_states (
    state         TEXT PRIMARY KEY,
    org_id        UUID REFERENCES orgs (id) ON DELETE CASCADE,
    nonce         TEXT NOT NULL,
    verifier      TEXT NOT NULL,
    redirect_url  TEXT NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_keys (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    key_hash    TEXT NOT NULL UNIQUE,
    groups      TEXT[] NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at  TIMESTAMPTZ,
    UNIQUE (org_id, name)
);
