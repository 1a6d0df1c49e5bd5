-- Issue 17: one `hoop connect` carries many client connections; each event says which one it
-- belongs to (NULL: a session-wide event), and a connection's opening and end are events too.
ALTER TABLE session_events ADD COLUMN connection_id BIGINT CHECK (connection_id > 0);
ALTER TABLE session_events DROP CONSTRAINT session_events_type_check;
ALTER TABLE session_events ADD CONSTRAINT session_events_type_check CHECK (type IN ('i', 'o', 'e', 'c', 'x'));
