-- The review flow between people (issue 16): findings handed to reviewers by district ("my
-- queue" is the list filtered to the caller as assignee; the column came with 012's dispatch),
-- and comments on a finding. A comment is kept with its finding and leaves an edit-log entry
-- (entity 'finding', action 'review.comment'); when a re-run drops an open finding that no
-- longer fires, its comments go with it, their edit-log trace stays.
CREATE TABLE review_comment (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  finding_id  bigint NOT NULL REFERENCES review_finding (id) ON DELETE CASCADE,
  author      text NOT NULL,
  body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX review_comment_finding_idx ON review_comment (finding_id, id);
-- "My queue" reads the open findings of one assignee.
CREATE INDEX review_finding_assignee_idx ON review_finding (assignee, status) WHERE assignee IS NOT NULL;

-- Comments are appended, never rewritten, like the edit log.
GRANT SELECT, INSERT ON review_comment TO yzt_app;
REVOKE UPDATE, DELETE, TRUNCATE ON review_comment FROM yzt_app;

-- A comment is visible and may be written where its finding is (review_finding's own policy
-- decides, as network_source follows its source in 011).
ALTER TABLE review_comment ENABLE ROW LEVEL SECURITY;
CREATE POLICY review_comment_in_scope ON review_comment
  USING (yzt_scope_all() OR EXISTS (SELECT 1 FROM review_finding f WHERE f.id = review_comment.finding_id))
  WITH CHECK (yzt_scope_all() OR EXISTS (SELECT 1 FROM review_finding f WHERE f.id = review_comment.finding_id));
