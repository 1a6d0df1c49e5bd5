-- Issue 14 (reviews): one-off reviews hold an exec's script until every approver group decides;
-- just-in-time (jit) reviews grant `connect` on one connection for a duration.
--
-- A review exists before its session: the session is opened only once the review is approved, so
-- session_id is set then. API keys are principals without a users row (V2): requester and
-- approvers are kept by id and email, without a foreign key.
ALTER TABLE reviews ALTER COLUMN session_id DROP NOT NULL;
ALTER TABLE reviews DROP CONSTRAINT IF EXISTS reviews_created_by_fkey;
ALTER TABLE reviews DROP CONSTRAINT IF EXISTS reviews_status_check;
ALTER TABLE reviews ADD CONSTRAINT reviews_status_check
    CHECK (status IN ('PENDING', 'APPROVED', 'PROCESSING', 'EXECUTED', 'REJECTED', 'REVOKED'));
ALTER TABLE reviews ADD COLUMN connection_id UUID REFERENCES connections (id) ON DELETE CASCADE;
ALTER TABLE reviews ADD COLUMN connection_name TEXT NOT NULL DEFAULT '';
ALTER TABLE reviews ADD COLUMN created_by_email TEXT;
-- when the review as a whole was decided (APPROVED or REJECTED), and revoked (jit)
ALTER TABLE reviews ADD COLUMN decided_at TIMESTAMPTZ;
ALTER TABLE reviews ADD COLUMN revoked_by_email TEXT;
ALTER TABLE reviews ADD COLUMN revoked_at TIMESTAMPTZ;
CREATE INDEX reviews_org_created ON reviews (org_id, created_at DESC);
CREATE INDEX reviews_grants ON reviews (org_id, created_by, connection_id) WHERE type = 'jit';
CREATE INDEX reviews_session ON reviews (session_id) WHERE session_id IS NOT NULL;

ALTER TABLE review_groups DROP CONSTRAINT IF EXISTS review_groups_reviewed_by_fkey;
ALTER TABLE review_groups ADD COLUMN reviewed_by_email TEXT;
ALTER TABLE review_groups ADD COLUMN reason TEXT;
