-- Name search for sources (geodata/explore/search.ts) without reading the whole table.
--
-- A name matches a query when lower(name) contains lower(query) (ILIKE '%query%'). Then every
-- character bigram of the query is a bigram of the name, so a GIN index over the bigrams finds
-- the candidates and ILIKE re-checks them. pg_trgm cannot do this: a two-character Chinese
-- query such as 石化 has no trigram, and the embedded engine may lack the extension. This is
-- core SQL only, the same on both engines. Single characters are indexed too, for one-character
-- queries (the map searches as the user types).
--
-- Hits are listed shortest name first (then by census id). A common bigram such as 公司 or 示范
-- matches most sources, and sorting all of them for the shortest twenty costs as much as the
-- scan the index was meant to avoid. So each key carries the length of its name
-- ('14:石化'): the search visits name lengths in increasing order, asks the index for one
-- length at a time, and stops as soon as it has enough hits (search_source_ids below).
--
-- Sources that search never lists (deleted, or without a position) are not indexed.

-- The index keys of a name: each character and each pair of adjacent characters of
-- lower(name), prefixed with the length of the name. Duplicates are harmless (GIN removes
-- them). Only pg_catalog functions, so it is safe in an index expression on any search_path.
-- COST: a PL/pgSQL loop per row; the planner must prefer the index to calling it on every row.
CREATE FUNCTION source_name_keys(name text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
DECLARE
  c text[] := string_to_array(lower(name), NULL);
  n integer := cardinality(c);
  p text := length(name) || ':';
  keys text[];
BEGIN
  FOR i IN 1 .. n LOOP
    keys[i] := p || c[i];
  END LOOP;
  FOR i IN 1 .. n - 1 LOOP
    keys[n + i] := p || c[i] || c[i + 1];
  END LOOP;
  RETURN coalesce(keys, '{}');
END
$$;

-- The keys that every name of length `len` containing `query` has: the query's bigrams, or
-- its one character.
CREATE FUNCTION source_name_query_keys(query text, len integer) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  c text[] := string_to_array(lower(query), NULL);
  n integer := cardinality(c);
  p text := len || ':';
  keys text[];
BEGIN
  IF n = 1 THEN
    RETURN ARRAY[p || c[1]];
  END IF;
  FOR i IN 1 .. n - 1 LOOP
    keys[i] := p || c[i] || c[i + 1];
  END LOOP;
  RETURN coalesce(keys, '{}');
END
$$;

CREATE INDEX source_name_keys_idx ON source USING gin (source_name_keys(name))
  WHERE status <> 'deleted' AND geom IS NOT NULL;
-- Name lengths in order (to step from one length to the next) and, within a length, census
-- ids in order (the tie-break, walked when one length has very many hits).
CREATE INDEX source_name_length_idx ON source (length(name), census_id)
  WHERE status <> 'deleted' AND geom IS NOT NULL;
-- Search also looks sources up by credit code (统一社会信用代码); without an index that was a
-- full scan on every search.
CREATE INDEX source_credit_code_idx ON source (credit_code);

-- The ids of the first `lim` sources whose name contains `query` (case-insensitive, % and _
-- taken literally), shortest name first, then by census id; only sources that are not deleted,
-- have a position and lie in the request's scope.
--
-- Why SECURITY DEFINER: requests run as yzt_app under row-level security (007), and PostgreSQL
-- uses an index for a condition of such a query only when the condition is leakproof, which
-- neither the key function nor the array operator @> is (only a superuser could declare
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
    IF n < need AND seen = probe THEN
      -- 2.
      SELECT array_agg(c.id ORDER BY c.census_id), count(*) INTO hits, n
        FROM (SELECT s.id, s.census_id FROM source s
               WHERE source_name_keys(s.name) @> source_name_query_keys(query, len)
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

-- The function runs with the owner's rights, so it must not resolve names through the
-- caller's search_path: pin it to this schema.
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION search_source_ids(text, integer, integer, integer, integer) SET search_path = pg_catalog, %I, pg_temp', current_schema());
END
$$;
REVOKE ALL ON FUNCTION search_source_ids(text, integer, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION search_source_ids(text, integer, integer, integer, integer) TO yzt_app;
