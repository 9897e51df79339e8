-- The census offices' quality loop beyond coordinates (质量核查闭环): attribute screening,
-- comparing the directory with other departments' lists (名录比对), sampling checks (抽样核查)
-- and rectification tracking (整改调度). Findings of the screening go to review_finding like
-- the coordinate checks; everything a person decides goes to edit_log.

-- What a census form records beyond what the first model held: the status reason (停产原因 /
-- 关闭原因), the output value for emission intensity (工业总产值, 万元) and the address.
ALTER TABLE source DROP CONSTRAINT source_status_check;
ALTER TABLE source ADD CONSTRAINT source_status_check
  CHECK (status IN ('active', 'stopped', 'closed', 'merged', 'deleted', 'other'));
ALTER TABLE source ADD COLUMN status_reason text;
ALTER TABLE source ADD COLUMN output_value double precision CHECK (output_value >= 0);
ALTER TABLE source ADD COLUMN address text;

-- GB 32100-2015: the 18th character of a unified social credit code from the first 17
-- (the same rule as geodata/model/credit-code.ts). NULL when the code is not shaped like one.
-- One expression, so that PostgreSQL inlines it into a scan of every source.
CREATE FUNCTION yzt_credit_check_char(code text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$' THEN substr('0123456789ABCDEFGHJKLMNPQRTUWXY', (31 - (
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 1, 1)) - 1) * 1 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 2, 1)) - 1) * 3 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 3, 1)) - 1) * 9 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 4, 1)) - 1) * 27 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 5, 1)) - 1) * 19 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 6, 1)) - 1) * 26 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 7, 1)) - 1) * 16 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 8, 1)) - 1) * 17 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 9, 1)) - 1) * 20 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 10, 1)) - 1) * 29 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 11, 1)) - 1) * 25 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 12, 1)) - 1) * 13 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 13, 1)) - 1) * 8 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 14, 1)) - 1) * 24 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 15, 1)) - 1) * 10 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 16, 1)) - 1) * 30 +
    (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, 17, 1)) - 1) * 28) % 31) % 31 + 1, 1) END
$$;

-- The organisation's name as a comparison key: NFKC (full-width → half-width), lower case, a
-- bracketed place of up to three characters dropped (XX科技(深圳)有限公司), only letters,
-- digits and CJK kept (spaces, brackets, punctuation go), the company-form words (有限公司,
-- 有限责任公司, 股份…) and up to two leading place names (深圳市宝安区…) removed. Two
-- spellings of one unit give one key; an empty key is NULL.
CREATE FUNCTION yzt_org_name_key(name text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT nullif(CASE WHEN length(stripped) >= 2 THEN stripped ELSE plain END, '')
  FROM (
    SELECT plain,
      regexp_replace(regexp_replace(plain,
        '^[一-龥]{2,6}(省|自治区|市|自治州|地区|盟|县|区|旗|镇|乡|街道)', ''),
        '^[一-龥]{2,6}(省|自治区|市|自治州|地区|盟|县|区|旗|镇|乡|街道)', '') AS stripped
    FROM (
      SELECT regexp_replace(regexp_replace(regexp_replace(lower(normalize(name, NFKC)),
        '\(([一-龥]{2,3}(省|市|区|县)?)\)', '', 'g'),
        '[^0-9a-z一-龥]', '', 'g'),
        '股份有限公司|有限责任公司|有限公司|股份公司|有限|股份|责任|公司', '', 'g') AS plain
    ) p
  ) k
$$;

-- The key the duplicate screening and the list matching join on, kept by PostgreSQL itself
-- so that every writer (imports, the demo loader, review edits) keeps it current.
ALTER TABLE source ADD COLUMN name_key text GENERATED ALWAYS AS (yzt_org_name_key(name)) STORED;
CREATE INDEX source_name_key_idx ON source (name_key);
-- The organisation code is characters 9-17 of the credit code.
CREATE INDEX source_org_code_idx ON source (substr(credit_code, 9, 9)) WHERE credit_code IS NOT NULL;

-- Which industries must report which pollutant (GB/T 4754 prefixes, 2 or 4 digits). A source
-- of such an industry that reports none gets a missing_pollutant finding. Admins edit it.
CREATE TABLE industry_pollutant_rule (
  industry_prefix text NOT NULL CHECK (industry_prefix ~ '^[0-9]{2}([0-9]{2})?$'),
  pollutant       text NOT NULL CHECK (pollutant IN ('cod', 'nh3n', 'tn', 'tp', 'so2', 'nox', 'pm', 'vocs')),
  note            text,
  PRIMARY KEY (industry_prefix, pollutant)
);
-- VOCs: petroleum refining (25), chemicals (26), pharmaceuticals (27), rubber and plastics
-- (29), paper (22), printing (23), furniture (21), automobiles (36). COD: food (13, 14),
-- beverages (15), textiles (17), leather (19), paper (22), chemicals (26), pharmaceuticals (27).
INSERT INTO industry_pollutant_rule (industry_prefix, pollutant) VALUES
  ('21', 'vocs'), ('22', 'vocs'), ('23', 'vocs'), ('25', 'vocs'), ('26', 'vocs'), ('27', 'vocs'), ('29', 'vocs'), ('36', 'vocs'),
  ('13', 'cod'), ('14', 'cod'), ('15', 'cod'), ('17', 'cod'), ('19', 'cod'), ('22', 'cod'), ('26', 'cod'), ('27', 'cod');

-- Rectification (整改调度): every finding has an assignee and a deadline; the district is
-- its source's (or, for district findings, its key).
ALTER TABLE review_finding ADD COLUMN IF NOT EXISTS assignee text;
ALTER TABLE review_finding ADD COLUMN IF NOT EXISTS deadline date;

-- An external list (another department's: market regulation, tax, power, permits) to compare
-- with the directory. Its lines are units, matched in the uploader's scope.
CREATE TABLE ext_list (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL,
  file_name   text,
  -- The uploader's region (NULL: national); units that cannot be placed belong to it.
  region      text,
  uploaded_by text NOT NULL,
  units       integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ext_list_unit (
  list_id        bigint NOT NULL REFERENCES ext_list (id) ON DELETE CASCADE,
  -- The unit's line in the file (the header is line 1).
  line           integer NOT NULL,
  name           text NOT NULL,
  credit_code    text,
  org_code       text,
  address        text,
  geom           geometry(Point, 4326),
  name_key       text,
  -- matched / ambiguous (to confirm) / unmatched (to verify: not in the census)
  outcome        text NOT NULL DEFAULT 'unmatched' CHECK (outcome IN ('matched', 'ambiguous', 'unmatched')),
  match_kind     text CHECK (match_kind IN ('credit_code', 'org_code', 'name')),
  source_id      bigint,
  score          real,
  -- Ambiguous units: the directory sources that fit, best first, with their score.
  candidates     jsonb NOT NULL DEFAULT '[]'::jsonb,
  division_code  text,
  -- Jiangshan's four steps after the comparison: phone, then field check, then the decision.
  phone_result   text CHECK (phone_result IN ('confirmed_operating', 'confirmed_closed', 'unreachable', 'not_ours')),
  field_result   text CHECK (field_result IN ('operating', 'closed', 'not_found', 'not_polluting')),
  decision       text CHECK (decision IN ('include', 'exclude', 'closed')),
  decision_note  text,
  decided_by     text,
  decided_at     timestamptz,
  assignee       text,
  deadline       date,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (list_id, line)
);
CREATE INDEX ext_list_unit_outcome_idx ON ext_list_unit (list_id, outcome);

-- Sampling checks (质量核查): a plan with its seed, the drawn sources, and per source and key
-- indicator whether the census had it right; units found in the field that the census
-- missed are omissions.
CREATE TABLE sample_plan (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL,
  seed        text NOT NULL,
  method      text NOT NULL CHECK (method IN ('quota', 'share')),
  params      jsonb NOT NULL,
  region      text,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sample_item (
  plan_id        bigint NOT NULL REFERENCES sample_plan (id) ON DELETE CASCADE,
  source_id      bigint NOT NULL,
  stratum        text NOT NULL,
  division_code  text NOT NULL,
  PRIMARY KEY (plan_id, source_id)
);

CREATE TABLE sample_check (
  plan_id        bigint NOT NULL,
  source_id      bigint NOT NULL,
  indicator      text NOT NULL,
  correct        boolean NOT NULL,
  note           text,
  division_code  text NOT NULL,
  checked_by     text NOT NULL,
  checked_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (plan_id, source_id, indicator),
  FOREIGN KEY (plan_id, source_id) REFERENCES sample_item (plan_id, source_id) ON DELETE CASCADE
);

CREATE TABLE sample_omission (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id        bigint NOT NULL REFERENCES sample_plan (id) ON DELETE CASCADE,
  division_code  text NOT NULL CHECK (division_code ~ '^[0-9]{6}([0-9]{3})?$'),
  name           text NOT NULL,
  note           text,
  recorded_by    text NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now()
);

-- Scope: units, sampled sources, checks and omissions belong to their division; lists and
-- plans are visible to the region they were made in and to those above it.
GRANT SELECT, INSERT, UPDATE, DELETE ON industry_pollutant_rule, ext_list, ext_list_unit, sample_plan, sample_item, sample_check, sample_omission TO yzt_app;
ALTER TABLE ext_list ENABLE ROW LEVEL SECURITY;
CREATE POLICY ext_list_in_scope ON ext_list
  USING (yzt_scope_all() OR region IS NULL OR region LIKE yzt_scope_pattern() OR current_setting('yzt.scope', true) LIKE region || '%')
  WITH CHECK (yzt_scope_all() OR region LIKE yzt_scope_pattern());
ALTER TABLE ext_list_unit ENABLE ROW LEVEL SECURITY;
CREATE POLICY ext_list_unit_in_scope ON ext_list_unit
  USING (yzt_scope_all() OR division_code LIKE yzt_scope_pattern())
  WITH CHECK (yzt_scope_all() OR division_code LIKE yzt_scope_pattern());
ALTER TABLE sample_plan ENABLE ROW LEVEL SECURITY;
CREATE POLICY sample_plan_in_scope ON sample_plan
  USING (yzt_scope_all() OR region IS NULL OR region LIKE yzt_scope_pattern() OR current_setting('yzt.scope', true) LIKE region || '%')
  WITH CHECK (yzt_scope_all() OR region LIKE yzt_scope_pattern());
ALTER TABLE sample_item ENABLE ROW LEVEL SECURITY;
CREATE POLICY sample_item_in_scope ON sample_item
  USING (yzt_scope_all() OR division_code LIKE yzt_scope_pattern())
  WITH CHECK (yzt_scope_all() OR division_code LIKE yzt_scope_pattern());
ALTER TABLE sample_check ENABLE ROW LEVEL SECURITY;
CREATE POLICY sample_check_in_scope ON sample_check
  USING (yzt_scope_all() OR division_code LIKE yzt_scope_pattern())
  WITH CHECK (yzt_scope_all() OR division_code LIKE yzt_scope_pattern());
ALTER TABLE sample_omission ENABLE ROW LEVEL SECURITY;
CREATE POLICY sample_omission_in_scope ON sample_omission
  USING (yzt_scope_all() OR division_code LIKE yzt_scope_pattern())
  WITH CHECK (yzt_scope_all() OR division_code LIKE yzt_scope_pattern());
-- The rule table is shared: everyone reads it, only national requests change it.
ALTER TABLE industry_pollutant_rule ENABLE ROW LEVEL SECURITY;
CREATE POLICY industry_pollutant_rule_read ON industry_pollutant_rule FOR SELECT USING (true);
CREATE POLICY industry_pollutant_rule_write ON industry_pollutant_rule FOR ALL USING (yzt_scope_all()) WITH CHECK (yzt_scope_all());

-- Whether the request sees the finding (its id), the list unit ('list:line'), the sampled
-- source ('plan:source') or the omission ('plan:id') an edit-log entry is about. It runs as the caller, so RLS of
-- those tables decides.
CREATE FUNCTION yzt_quality_entity_visible(entity text, entity_id text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN entity = 'finding' THEN entity_id ~ '^[0-9]{1,18}$' AND EXISTS (SELECT 1 FROM review_finding f WHERE f.id = entity_id::bigint)
    WHEN entity_id !~ '^[0-9]{1,18}:[0-9]{1,18}$' THEN false
    WHEN entity = 'list_unit' THEN EXISTS (SELECT 1 FROM ext_list_unit u
      WHERE u.list_id = split_part(entity_id, ':', 1)::bigint AND u.line = split_part(entity_id, ':', 2)::bigint)
    WHEN entity = 'sample_check' THEN EXISTS (SELECT 1 FROM sample_item i
      WHERE i.plan_id = split_part(entity_id, ':', 1)::bigint AND i.source_id = split_part(entity_id, ':', 2)::bigint)
    WHEN entity = 'sample_omission' THEN EXISTS (SELECT 1 FROM sample_omission o
      WHERE o.plan_id = split_part(entity_id, ':', 1)::bigint AND o.id = split_part(entity_id, ':', 2)::bigint)
    ELSE false END
$$;

-- Decisions on list units and sampling results leave their trace like review actions.
CREATE POLICY edit_log_quality_read ON edit_log FOR SELECT USING (yzt_quality_entity_visible(entity, entity_id));
CREATE POLICY edit_log_quality_append ON edit_log FOR INSERT WITH CHECK (yzt_quality_entity_visible(entity, entity_id));
