-- Ranks the candidates of ambiguous findings by the batch pattern: what the same import batch's
-- other, unambiguous corrections turned out to be. The ambiguous finding gets `batch_pick` (the
-- correction most of its batch needed, when it is one of its candidates) and `batch_votes`
-- (how many findings of the batch needed it). A ranking, not a choice: the finding keeps no
-- suggested point, and applying it still needs the reviewer's pick. $1 the run.
WITH votes AS (
  SELECT s.import_batch, f.check_code, count(*) AS n
  FROM review_finding f JOIN source s ON s.id = f.source_id
  WHERE f.run_id = $1 AND f.check_code IN ('swapped_lat_lon', 'dms_slip', 'gcj02_as_wgs84', 'bd09_as_wgs84')
    AND f.suggested IS NOT NULL AND s.import_batch IS NOT NULL
  GROUP BY 1, 2
),
top AS (
  SELECT DISTINCT ON (import_batch) import_batch, check_code, n FROM votes ORDER BY import_batch, n DESC, check_code
)
UPDATE review_finding f
SET details = f.details || jsonb_build_object('batch_pick', top.check_code, 'batch_votes', top.n)
FROM source s JOIN top ON top.import_batch = s.import_batch
WHERE f.run_id = $1 AND f.source_id = s.id AND f.details ? 'ambiguous'
  AND f.details -> 'candidates' @> jsonb_build_array(jsonb_build_object('code', top.check_code))
