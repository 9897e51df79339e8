-- Accounts, sessions and region scope (行政区范围).
--
-- Requests run as the role yzt_app, never as the owner of the tables: every request's
-- transaction starts with set_config('role', 'yzt_app', true) and set_config('yzt.scope',
-- <scope>, true) (geodata/access/scoped-pool.ts). Row-level security then decides what the
-- request sees and may write, whatever WHERE clause the query has or forgot. The scope is '*'
-- (national) or a division-code prefix of 2-12 digits; anything else, including no scope at
-- all, shows nothing. System work (migrations, imports' follow-up, review runs, the tile
-- change feed) runs as the connecting role, which owns the tables and is not subject to RLS.

CREATE TABLE app_user (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Names may be Chinese (they appear in the edit log); no spaces, control characters or slashes.
  username      text NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 64 AND username !~ '[[:space:][:cntrl:]/\\]'),
  display_name  text,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('viewer', 'reviewer', 'admin')),
  -- NULL: national; otherwise a province (2), city (4), district (6) or township (9) prefix
  region        text CHECK (region IS NULL OR region ~ '^[0-9]{2,12}$'),
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text
);

-- Sessions live in the database so that any server replica can serve any request. The token
-- itself is never stored, only its SHA-256.
CREATE TABLE app_session (
  token_hash  bytea PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  csrf_token  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX app_session_user_idx ON app_session (user_id);
CREATE INDEX app_session_expiry_idx ON app_session (expires_at);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'yzt_app') THEN
    CREATE ROLE yzt_app NOLOGIN;
  END IF;
  -- The connecting role must be allowed to SET ROLE yzt_app (a superuser always is).
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     AND NOT pg_has_role(current_user, 'yzt_app', 'MEMBER') THEN
    EXECUTE format('GRANT yzt_app TO %I', current_user);
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO yzt_app', current_schema());
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO yzt_app', current_schema());
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO yzt_app', current_schema());
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO yzt_app', current_schema());
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO yzt_app', current_schema());
END
$$;

-- Password hashes and session tokens are for the server's own login code, not for requests.
REVOKE ALL ON app_user, app_session, schema_migration FROM yzt_app;
-- Edits are appended to the log, never rewritten (the trigger of 001 says so too).
REVOKE UPDATE, DELETE ON edit_log FROM yzt_app;

-- The LIKE pattern of the request's scope: '%' for national, '4403%' for Shenzhen, NULL
-- (nothing matches) when no valid scope is set. After a transaction that set it, the setting
-- reads '' rather than NULL, which must not mean "everything".
CREATE FUNCTION yzt_scope_pattern() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN s = '*' THEN '%' WHEN s ~ '^[0-9]{2,12}$' THEN s || '%' END
  FROM (SELECT current_setting('yzt.scope', true) AS s) setting
$$;
CREATE FUNCTION yzt_scope_all() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('yzt.scope', true) = '*', false)
$$;

ALTER TABLE source ENABLE ROW LEVEL SECURITY;
CREATE POLICY source_in_scope ON source
  USING (yzt_scope_all() OR division_code LIKE yzt_scope_pattern())
  WITH CHECK (yzt_scope_all() OR division_code LIKE yzt_scope_pattern());

ALTER TABLE census_zone ENABLE ROW LEVEL SECURITY;
CREATE POLICY census_zone_in_scope ON census_zone
  USING (yzt_scope_all() OR county_code LIKE yzt_scope_pattern())
  WITH CHECK (yzt_scope_all() OR county_code LIKE yzt_scope_pattern());

ALTER TABLE division ENABLE ROW LEVEL SECURITY;
CREATE POLICY division_in_scope ON division
  USING (yzt_scope_all() OR code LIKE yzt_scope_pattern())
  WITH CHECK (yzt_scope_all() OR code LIKE yzt_scope_pattern());

-- Stored cells sum sources of every region, so only national requests may read them;
-- scoped tiles aggregate the sources they can see. The trigger that keeps them up to date
-- runs as the table owner, so a scoped edit still moves the national cells.
ALTER TABLE source_cell ENABLE ROW LEVEL SECURITY;
CREATE POLICY source_cell_national ON source_cell FOR SELECT USING (yzt_scope_all());
ALTER FUNCTION source_cell_apply() SECURITY DEFINER;

-- Findings follow their source; district-level findings their district; the rest (outfalls,
-- import batches) are national.
ALTER TABLE review_finding ENABLE ROW LEVEL SECURITY;
CREATE POLICY review_finding_in_scope ON review_finding
  USING (yzt_scope_all()
    OR (source_id IS NOT NULL AND EXISTS (SELECT 1 FROM source s WHERE s.id = review_finding.source_id))
    OR (subject_kind = 'division' AND subject_key LIKE yzt_scope_pattern()))
  WITH CHECK (yzt_scope_all()
    OR (source_id IS NOT NULL AND EXISTS (SELECT 1 FROM source s WHERE s.id = review_finding.source_id))
    OR (subject_kind = 'division' AND subject_key LIKE yzt_scope_pattern()));

ALTER TABLE edit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY edit_log_read ON edit_log FOR SELECT
  USING (yzt_scope_all() OR (entity = 'source' AND EXISTS (
    SELECT 1 FROM source s WHERE s.id = CASE WHEN edit_log.entity_id ~ '^[0-9]{1,18}$' THEN edit_log.entity_id::bigint END)));
CREATE POLICY edit_log_append ON edit_log FOR INSERT
  WITH CHECK (yzt_scope_all() OR (entity = 'source' AND EXISTS (
    SELECT 1 FROM source s WHERE s.id = CASE WHEN edit_log.entity_id ~ '^[0-9]{1,18}$' THEN edit_log.entity_id::bigint END)));
