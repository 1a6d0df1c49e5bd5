-- Client keys and the connections their agents publish (issue 16, docs/clientkeys.md).
-- An agent that signs in with a client key is an agents row of that key, one per set of
-- published items: it has no secret of its own (key_hash NULL), its key's hash authenticates it.
-- A key's agents and connections go with the key (ON DELETE CASCADE).
ALTER TABLE agents ALTER COLUMN key_hash DROP NOT NULL;
ALTER TABLE agents ADD COLUMN client_key_id UUID REFERENCES client_keys (id) ON DELETE CASCADE;
ALTER TABLE agents ADD CONSTRAINT agents_one_credential CHECK ((key_hash IS NULL) <> (client_key_id IS NULL));

-- Set on connections created by publishing; an admin-made connection has none, and no agent can touch it.
ALTER TABLE connections ADD COLUMN client_key_id UUID REFERENCES client_keys (id) ON DELETE CASCADE;
CREATE INDEX connections_client_key ON connections (client_key_id) WHERE client_key_id IS NOT NULL;

ALTER TABLE client_keys ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now();
