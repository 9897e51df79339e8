-- River network index and links (sources → environmental quality).
-- Everything here is derived: geodata/network rebuilds it from river_reach, outfall, source
-- and section after an import, so these tables can be truncated and refilled at any time.

-- One row per reach that drains to an outlet. The reach graph is a forest rooted at the
-- outlets with the upstream reaches as children; pre is the reach's pre-order number and
-- last the highest pre-order number in its subtree, so "X is upstream of reach R" is the
-- indexed range test X.pre BETWEEN R.pre AND R.last (no recursive walk per request).
CREATE TABLE network_reach (
  reach_id   bigint PRIMARY KEY,
  pre        integer NOT NULL UNIQUE,
  last       integer NOT NULL,
  outlet_id  bigint NOT NULL,
  depth      integer NOT NULL,
  length_m   double precision NOT NULL,
  -- river distance from the reach's downstream end to its outlet
  down_m     double precision NOT NULL,
  -- true when the line's coordinates run downstream
  forward    boolean NOT NULL
);

-- Where outfalls, water-emitting sources and sections sit on the network. dist_m is the river
-- distance to the outlet, so for a point P upstream of a point S: P.pre BETWEEN S.pre AND
-- S_reach.last AND P.dist_m >= S.dist_m, and P.dist_m - S.dist_m is the river distance between.
-- reach_id NULL means unlinked (note says why); pre NULL means the reach is not on the index.
CREATE TABLE network_outfall (
  outfall_code text PRIMARY KEY,
  reach_id     bigint,
  pre          integer,
  dist_m       double precision,
  via          text NOT NULL CHECK (via IN ('reach_id', 'name', 'nearest', 'unlinked')),
  offset_m     double precision,
  note         text
);
CREATE INDEX network_outfall_pre_idx ON network_outfall (pre, dist_m);

CREATE TABLE network_source (
  source_id    bigint PRIMARY KEY,
  reach_id     bigint,
  pre          integer,
  dist_m       double precision,
  via          text NOT NULL CHECK (via IN ('outfall', 'facility', 'nearest', 'unlinked')),
  outfall_code text,
  facility_id  bigint,
  -- false for sources that send their water to a treatment facility: the facility's own
  -- discharge is what reaches the river, so counting both would count the load twice
  counted      boolean NOT NULL,
  offset_m     double precision,
  note         text
);
CREATE INDEX network_source_pre_idx ON network_source (pre, dist_m);
CREATE INDEX network_source_reach_idx ON network_source (reach_id);

CREATE TABLE network_section (
  section_code text PRIMARY KEY,
  reach_id     bigint,
  pre          integer,
  dist_m       double precision,
  via          text NOT NULL CHECK (via IN ('reach_id', 'nearest', 'unlinked')),
  offset_m     double precision,
  note         text
);
CREATE INDEX network_section_pre_idx ON network_section (pre, dist_m);

-- The last network build and link reports, for GET /api/network/report.
CREATE TABLE network_report (
  kind    text PRIMARY KEY CHECK (kind IN ('build', 'link')),
  at      timestamptz NOT NULL DEFAULT now(),
  report  jsonb NOT NULL
);
