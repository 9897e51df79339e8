-- Geolocation review: check runs, their findings and the datum conversions the checks need.

-- One row per check run (a full run, or the re-check of one source after an edit), with
-- progress so a long run can be watched from another request.
CREATE TABLE review_run (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scope        text NOT NULL CHECK (scope IN ('all', 'source')),
  actor        text NOT NULL,
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  total_units  integer NOT NULL DEFAULT 0,
  done_units   integer NOT NULL DEFAULT 0,
  findings     integer,
  error        text,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);

-- One row per (subject, check) that fired. Subjects are sources, outfalls, import batches or
-- districts (the batch-level patterns). Status is the reviewer's word on it; a re-run keeps it.
CREATE TABLE review_finding (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject_kind  text NOT NULL CHECK (subject_kind IN ('source', 'outfall', 'import_batch', 'division')),
  subject_key   text NOT NULL,
  source_id     bigint,
  check_code    text NOT NULL,
  severity      text NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
  distance_m    double precision,
  suggested     geometry(Point, 4326),
  details       jsonb NOT NULL DEFAULT '{}'::jsonb,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'fixed', 'field_check')),
  run_id        bigint NOT NULL,
  found_at      timestamptz NOT NULL DEFAULT now(),
  reviewed_by   text,
  reviewed_at   timestamptz,
  review_reason text,
  UNIQUE (subject_kind, subject_key, check_code)
);
CREATE INDEX review_finding_source_idx ON review_finding (source_id);
CREATE INDEX review_finding_check_idx ON review_finding (check_code, status);

-- WGS-84 → GCJ-02 (the published "Mars" offset); the inverse below iterates it.
CREATE FUNCTION review_wgs84_to_gcj02(lon double precision, lat double precision)
RETURNS double precision[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ARRAY[lon + (dlon * 180.0) / (6378245.0 / sqrt(magic) * cos(radlat) * pi()),
               lat + (dlat * 180.0) / ((6378245.0 * (1 - 0.00669342162296594323)) / (magic * sqrt(magic)) * pi())]
  FROM (
    SELECT radians(lat) AS radlat,
           1 - 0.00669342162296594323 * sin(radians(lat))^2 AS magic,
           -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x))
             + (20.0 * sin(6.0 * x * pi()) + 20.0 * sin(2.0 * x * pi())) * 2.0 / 3.0
             + (20.0 * sin(y * pi()) + 40.0 * sin(y / 3.0 * pi())) * 2.0 / 3.0
             + (160.0 * sin(y / 12.0 * pi()) + 320.0 * sin(y * pi() / 30.0)) * 2.0 / 3.0 AS dlat,
           300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x))
             + (20.0 * sin(6.0 * x * pi()) + 20.0 * sin(2.0 * x * pi())) * 2.0 / 3.0
             + (20.0 * sin(x * pi()) + 40.0 * sin(x / 3.0 * pi())) * 2.0 / 3.0
             + (150.0 * sin(x / 12.0 * pi()) + 300.0 * sin(x / 30.0 * pi())) * 2.0 / 3.0 AS dlon
    FROM (SELECT lon - 105.0 AS x, lat - 35.0 AS y) d
  ) t
$$;

-- GCJ-02 → WGS-84: fixed-point iteration of the forward offset (well under a metre in 3 steps).
CREATE FUNCTION review_gcj02_to_wgs84(p geometry)
RETURNS geometry LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  gx double precision := ST_X(p);
  gy double precision := ST_Y(p);
  wx double precision := gx;
  wy double precision := gy;
  f double precision[];
BEGIN
  IF gx NOT BETWEEN 72 AND 138 OR gy NOT BETWEEN 0.8 AND 56 THEN RETURN NULL; END IF;
  FOR i IN 1..3 LOOP
    f := review_wgs84_to_gcj02(wx, wy);
    wx := wx - (f[1] - gx);
    wy := wy - (f[2] - gy);
  END LOOP;
  RETURN ST_SetSRID(ST_MakePoint(wx, wy), 4326);
END
$$;

-- BD-09 → GCJ-02 is closed-form; then GCJ-02 → WGS-84.
CREATE FUNCTION review_bd09_to_wgs84(p geometry)
RETURNS geometry LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT review_gcj02_to_wgs84(ST_SetSRID(ST_MakePoint(z * cos(theta), z * sin(theta)), 4326))
  FROM (
    SELECT sqrt(x * x + y * y) - 0.00002 * sin(y * pi() * 3000.0 / 180.0) AS z,
           atan2(y, x) - 0.000003 * cos(x * pi() * 3000.0 / 180.0) AS theta
    FROM (SELECT ST_X(p) - 0.0065 AS x, ST_Y(p) - 0.006 AS y) d
  ) t
$$;

-- 113.5630 typed for 113°56'30": the digits after the point re-read as minutes and seconds.
-- NULL when they cannot be minutes and seconds (a pair above 59).
CREATE FUNCTION review_dms_reread(v double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN mm <= 59 AND ss < 60 THEN sign(v) * (deg + mm / 60.0 + ss / 3600.0) END
  FROM (
    SELECT trunc(abs(v)) AS deg,
           trunc(abs(v) * 100 + 1e-9) - trunc(abs(v)) * 100 AS mm,
           round((abs(v) * 10000 - trunc(abs(v) * 100 + 1e-9) * 100)::numeric, 6)::float8 AS ss
  ) t
$$;
