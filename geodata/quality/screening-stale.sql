-- After a screening pass ($1 its run id): open screening findings it no longer raises are
-- dropped, and one awaiting a field check that no longer fires is fixed. $2 the screening codes.
WITH stale AS (
  SELECT id, status FROM review_finding
  WHERE subject_kind = 'source' AND check_code = ANY($2::text[]) AND run_id <> $1::bigint AND status IN ('open', 'field_check')
),
dropped AS (
  DELETE FROM review_finding f USING stale WHERE f.id = stale.id AND stale.status = 'open' RETURNING f.id
)
UPDATE review_finding f SET status = 'fixed' FROM stale WHERE f.id = stale.id AND stale.status = 'field_check'
