-- Name search (geodata/explore/search.ts) without reading whole tables: sources and census
-- zones, the two layers that grow to hundreds of thousands of rows.
--
-- A name matches a query when lower(name) contains lower(query) (ILIKE '%query%'). Then every
-- character bigram of the query is a bigram of the name, so a GIN index over the bigrams finds
-- the candidates and ILIKE re-checks them. pg_trgm cannot do this: a two-character Chinese
-- query such as 石化 has no trigram, and the embedded engine may lack the extension. This is
-- core SQL only, the same on both engines. The keys are the lexemes of a tsvector rather than
-- the elements of an array because a tsquery can ask for a key prefix: a one-character query
-- (the map searches as the user types) asks for every key that starts with that character,
-- so single characters need no keys of their own. Each character of a name starts a bigram,
-- except the last, which is a key by itself. That is one key per character instead of two,
-- and half the index build and upkeep.
--
-- Sources are listed shortest name first (then by census id). A common bigram such as 公司 or
-- 示范 matches most sources, and sorting all of them for the shortest twenty costs as much as
-- the scan the index was meant to avoid. So each source key carries the length of its name
-- ('14:石化'): the search visits name lengths in increasing order, asks the index for one
-- length at a time, and stops as soon as it has enough hits (search_source_ids below).
-- Census zones are listed by code (search_zone_codes below).
--
-- Rows that search never lists (deleted sources; sources and zones without a position) are not
-- indexed. Nor are names longer than 10,000 characters (a tsvector holds at most 1 MB): search
-- re-checks those few rows one by one.

-- The index keys of a name: each pair of adjacent characters of lower(name) and its last
-- character, with `with_length` prefixed by the length of the name ('14:石化'). Only pg_catalog
-- functions, so it is safe in an index expression on any search_path. COST: a PL/pgSQL loop
-- per row; the planner must prefer the index to calling it on every row.
CREATE FUNCTION name_keys(name text, with_length boolean) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
DECLARE
  c text[] := string_to_array(lower(name), NULL);
  n integer := cardinality(c);
  p text := CASE WHEN with_length THEN length(name) || ':' ELSE '' END;
  keys text[];
BEGIN
  IF n = 0 OR length(name) > 10000 THEN
    RETURN ''::tsvector;
  END IF;
  FOR i IN 1 .. n - 1 LOOP
    keys[i] := p || c[i] || c[i + 1];
  END LOOP;
  keys[n] := p || c[n];
  RETURN array_to_tsvector(keys);
END
$$;

-- What every name containing `query` (of length `len`, when not NULL) has among its keys: all
-- the query's bigrams, or for one character a key that starts with it. Lexemes are quoted, so
-- any character stands for itself.
CREATE FUNCTION name_query(query text, len integer) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  c text[] := string_to_array(lower(query), NULL);
  n integer := cardinality(c);
  p text := coalesce(len || ':', '');
  terms text[];
BEGIN
  IF n IS NULL OR n = 0 THEN
    RETURN NULL;
  END IF;
  IF n = 1 THEN
    terms[1] := p || c[1];
  END IF;
  FOR i IN 1 .. n - 1 LOOP
    terms[i] := p || c[i] || c[i + 1];
  END LOOP;
  -- Each lexeme in quotes, its quotes and backslashes escaped.
  FOR i IN 1 .. cardinality(terms) LOOP
    terms[i] := '''' || replace(replace(terms[i], '\', '\\'), '''', '\''') || '''';
  END LOOP;
  RETURN (array_to_string(terms, ' & ') || CASE WHEN n = 1 THEN ':*' ELSE '' END)::tsquery;
END
$$;

-- New rows wait in the GIN pending list, which every search reads through, until it is merged
-- into the index. The embedded engine has no autovacuum to merge it, so it is kept at 1 MB
-- instead of 4. Inserting 20,000 sources into the 600k demo (embedded) then takes 3.1 s instead
-- of 2.6 s (2.5 s without the index), and searches right after it take as long as on a merged
-- index; at 4 MB they took up to seven times as long until the list was merged.
CREATE INDEX source_name_keys_idx ON source USING gin (name_keys(name, true)) WITH (gin_pending_list_limit = 1024)
  WHERE status <> 'deleted' AND geom IS NOT NULL;
-- Name lengths in order (to step from one length to the next) and, within a length, census
-- ids in order (the tie-break, walked when one length has very many hits).
CREATE INDEX source_name_length_idx ON source (length(name), census_id)
  WHERE status <> 'deleted' AND geom IS NOT NULL;
-- Search also looks sources up by credit code (统一社会信用代码); without an index that was a
-- full scan on every search.
CREATE INDEX source_credit_code_idx ON source (credit_code);
CREATE INDEX census_zone_name_keys_idx ON census_zone USING gin (name_keys(name, false)) WITH (gin_pending_list_limit = 1024)
  WHERE geom IS NOT NULL;
-- Codes that start with the query: a range in byte order, whatever the database's collation.
CREATE INDEX census_zone_code_prefix_idx ON census_zone (code text_pattern_ops) WHERE geom IS NOT NULL;
-- The zones whose names are too long to have keys (see name_keys): normally none.
CREATE INDEX census_zone_long_name_idx ON census_zone (code) WHERE geom IS NOT NULL AND length(name) > 10000;

-- The ids of the first `lim` sources whose name contains `query` (case-insensitive, % and _
-- taken literally), shortest name first, then by census id; only sources that are not deleted,
-- have a position and lie in the request's scope.
--
-- Why SECURITY DEFINER: requests run as yzt_app under row-level security (007), and PostgreSQL
-- uses an index for a condition of such a query only when the condition is leakproof, which
-- neither the key function nor the operator @@ is (only a superuser could declare
-- them so). Under RLS the GIN index would never be used. So this function reads the table as
-- its owner and applies the scope itself, with the same functions and the same test as the
-- policy source_in_scope; it returns nothing outside the scope, and nothing at all without a
-- valid one. The caller joins the ids back to source as yzt_app, so RLS still checks every row.
--
-- Per name length, in increasing order, until `lim` ids are found:
--  1. walk the first `probe` rows of that length in census-id order and re-check them: when the
--     hits needed are among them (a common query) or the length has no more rows, that is the
--     answer for this length, and the index is not touched (its bitmap for a key in 200,000
--     names costs more than the whole walk);
--  2. otherwise ask the index for the hits of that length, reading at most `cap` + 1 of them:
--     when there are no more than `cap`, sort them by census id;
--  3. with more than `cap` hits, walk up to `walk` rows of that length in census-id order; only
--     when that finds too few (very many hits, none near the start) are the hits taken from
--     the `cap` + 1 read: still shortest first, but not necessarily the lowest census ids.
-- The three bounds are parameters so that tests can reach every step with a few rows.
CREATE FUNCTION search_source_ids(query text, lim integer, probe integer DEFAULT 200, cap integer DEFAULT 1000, walk integer DEFAULT 5000)
RETURNS SETOF bigint LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
DECLARE
  pattern text := '%' || replace(replace(replace(query, '\', '\\'), '%', '\%'), '_', '\_') || '%';
  scope text;
  len integer;
  need integer := lim;
  hits bigint[];
  walked bigint[];
  seen integer;
  n integer;
BEGIN
  IF query IS NULL OR query = '' OR lim IS NULL OR lim < 1 THEN
    RETURN;
  END IF;
  probe := least(greatest(coalesce(probe, 200), 1), 100000);
  cap := least(greatest(coalesce(cap, 1000), lim), 100000);
  walk := least(greatest(coalesce(walk, 5000), 1), 100000);
  IF NOT yzt_scope_all() THEN
    scope := yzt_scope_pattern();
    IF scope IS NULL THEN
      RETURN;
    END IF;
  END IF;
  len := length(query) - 1;
  LOOP
    SELECT min(length(s.name)) INTO len FROM source s
     WHERE length(s.name) > len AND s.status <> 'deleted' AND s.geom IS NOT NULL;
    EXIT WHEN len IS NULL;
    -- 1.
    SELECT (array_agg(f.id ORDER BY f.census_id) FILTER (WHERE f.hit))[1:need], count(*) INTO hits, seen
      FROM (SELECT s.id, s.census_id, s.name ILIKE pattern AND (scope IS NULL OR s.division_code LIKE scope) AS hit
              FROM source s
             WHERE length(s.name) = len AND s.status <> 'deleted' AND s.geom IS NOT NULL
             ORDER BY length(s.name), s.census_id LIMIT probe) f;
    n := coalesce(cardinality(hits), 0);
    IF n < need AND seen = probe AND len > 10000 THEN
      -- Names this long have no keys (see name_keys); there are few of them.
      SELECT array_agg(f.id ORDER BY f.census_id), count(*) INTO hits, n
        FROM (SELECT s.id, s.census_id FROM source s
               WHERE length(s.name) = len AND s.status <> 'deleted' AND s.geom IS NOT NULL
                 AND s.name ILIKE pattern AND (scope IS NULL OR s.division_code LIKE scope)
               ORDER BY length(s.name), s.census_id LIMIT need) f;
    ELSIF n < need AND seen = probe THEN
      -- 2.
      SELECT array_agg(c.id ORDER BY c.census_id), count(*) INTO hits, n
        FROM (SELECT s.id, s.census_id FROM source s
               WHERE name_keys(s.name, true) @@ name_query(query, len)
                 AND s.status <> 'deleted' AND s.geom IS NOT NULL
                 AND s.name ILIKE pattern AND (scope IS NULL OR s.division_code LIKE scope)
               LIMIT cap + 1) c;
      IF n > cap THEN
        -- 3.
        SELECT array_agg(w.id ORDER BY w.census_id) INTO walked
          FROM (SELECT f.id, f.census_id FROM (
                  SELECT s.id, s.census_id, s.name, s.division_code FROM source s
                   WHERE length(s.name) = len AND s.status <> 'deleted' AND s.geom IS NOT NULL
                   ORDER BY length(s.name), s.census_id LIMIT walk) f
                 WHERE f.name ILIKE pattern AND (scope IS NULL OR f.division_code LIKE scope)
                 ORDER BY f.census_id LIMIT need) w;
        IF cardinality(walked) = need THEN
          hits := walked;
        END IF;
      END IF;
    END IF;
    IF n > 0 THEN
      RETURN QUERY SELECT unnest(hits[1:need]);
      need := need - least(n, need);
      EXIT WHEN need = 0;
    END IF;
  END LOOP;
END
$$;

-- Census zones whose code starts with `query` or whose name contains it (as ILIKE, % and _
-- taken literally), by code, the first `lim`; only zones with a geometry and in the request's
-- scope (the test of policy census_zone_in_scope). SECURITY DEFINER for the reason given above.
--  1. re-check the first `probe` zones by code: a common query (示范, 普查小区, a city's code)
--     has its hits there;
--  2. otherwise take the zones whose code starts with the query (an index range) and, through
--     the index, those whose name contains it, and sort them by code; only when more than `cap`
--     names match (and too few among the first zones) are all zones re-checked in code order.
CREATE FUNCTION search_zone_codes(query text, lim integer, probe integer DEFAULT 200, cap integer DEFAULT 1000)
RETURNS SETOF text LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
DECLARE
  pattern text := '%' || replace(replace(replace(query, '\', '\\'), '%', '\%'), '_', '\_') || '%';
  scope text;
  hits text[];
  named text[];
  prefixed text[];
  seen integer;
  n integer;
BEGIN
  IF query IS NULL OR query = '' OR lim IS NULL OR lim < 1 THEN
    RETURN;
  END IF;
  probe := least(greatest(coalesce(probe, 200), 1), 100000);
  cap := least(greatest(coalesce(cap, 1000), 1), 100000);
  IF NOT yzt_scope_all() THEN
    scope := yzt_scope_pattern();
    IF scope IS NULL THEN
      RETURN;
    END IF;
  END IF;
  -- 1.
  SELECT (array_agg(f.code ORDER BY f.code) FILTER (WHERE f.hit))[1:lim], count(*) INTO hits, seen
    FROM (SELECT z.code, (starts_with(z.code, query) OR z.name ILIKE pattern)
                 AND (scope IS NULL OR z.county_code LIKE scope) AS hit
            FROM census_zone z WHERE z.geom IS NOT NULL ORDER BY z.code LIMIT probe) f;
  IF coalesce(cardinality(hits), 0) < lim AND seen = probe THEN
    -- 2.
    SELECT array_agg(c.code), count(*) INTO named, n
      FROM (SELECT z.code FROM census_zone z
             WHERE name_keys(z.name, false) @@ name_query(query, NULL) AND z.geom IS NOT NULL
               AND z.name ILIKE pattern AND (scope IS NULL OR z.county_code LIKE scope)
             LIMIT cap + 1) c;
    -- Names too long to have keys (see name_keys).
    named := named || ARRAY(SELECT z.code FROM census_zone z
                             WHERE length(z.name) > 10000 AND z.geom IS NOT NULL
                               AND z.name ILIKE pattern AND (scope IS NULL OR z.county_code LIKE scope));
    IF n > cap THEN
      SELECT array_agg(z.code ORDER BY z.code) INTO hits
        FROM (SELECT z.code FROM census_zone z
               WHERE z.geom IS NOT NULL AND (starts_with(z.code, query) OR z.name ILIKE pattern)
                 AND (scope IS NULL OR z.county_code LIKE scope)
               ORDER BY z.code LIMIT lim) z;
    ELSE
      -- Byte order (the index's) equals code order for codes of digits.
      SELECT array_agg(p.code) INTO prefixed
        FROM (SELECT z.code FROM census_zone z
               WHERE z.code ~>=~ query AND z.code ~<=~ (query || chr(1114111)) AND starts_with(z.code, query)
                 AND z.geom IS NOT NULL AND (scope IS NULL OR z.county_code LIKE scope)
               ORDER BY z.code USING ~<~ LIMIT lim) p;
      SELECT array_agg(u.code ORDER BY u.code) INTO hits
        FROM (SELECT DISTINCT c.code FROM unnest(coalesce(named, '{}') || coalesce(prefixed, '{}')) AS c(code)
               ORDER BY c.code LIMIT lim) u;
    END IF;
  END IF;
  RETURN QUERY SELECT unnest(hits);
END
$$;

-- The functions run with the owner's rights, so they must not resolve names through the
-- caller's search_path: pin it to this schema.
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION search_source_ids(text, integer, integer, integer, integer) SET search_path = pg_catalog, %I, pg_temp', current_schema());
  EXECUTE format('ALTER FUNCTION search_zone_codes(text, integer, integer, integer) SET search_path = pg_catalog, %I, pg_temp', current_schema());
END
$$;
REVOKE ALL ON FUNCTION search_source_ids(text, integer, integer, integer, integer), search_zone_codes(text, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION search_source_ids(text, integer, integer, integer, integer), search_zone_codes(text, integer, integer, integer) TO yzt_app;
