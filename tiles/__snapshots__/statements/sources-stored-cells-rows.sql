SELECT c.fid,
       c.count,
       c.cod,
       c.nh3n,
       c.tn,
       c.tp,
       c.so2,
       c.nox,
       c.pm,
       c.vocs,
       c.px, c.py
FROM (
  SELECT (g.ly * (1::bigint << ($4::int - $1::int)) + g.lx)::bigint AS fid,
         g.n AS count,
         g.cod::float8 AS cod,
         g.nh3n::float8 AS nh3n,
         g.tn::float8 AS tn,
         g.tp::float8 AS tp,
         g.so2::float8 AS so2,
         g.nox::float8 AS nox,
         g.pm::float8 AS pm,
         g.vocs::float8 AS vocs,
         round((g.sx / g.n * power(2.0, $1::int) - $2::int) * 4096.0) AS px,
         round((g.sy / g.n * power(2.0, $1::int) - $3::int) * 4096.0) AS py
  FROM (
    SELECT (c.cx >> ($5::int - $4::int)) - $2::bigint * (1::bigint << ($4::int - $1::int)) AS lx,
           (c.cy >> ($5::int - $4::int)) - $3::bigint * (1::bigint << ($4::int - $1::int)) AS ly,
           sum(c.n)::int AS n,
           sum(c.sx) AS sx,
           sum(c.sy) AS sy,
           sum(c.cod) AS cod,
           sum(c.nh3n) AS nh3n,
           sum(c.tn) AS tn,
           sum(c.tp) AS tp,
           sum(c.so2) AS so2,
           sum(c.nox) AS nox,
           sum(c.pm) AS pm,
           sum(c.vocs) AS vocs
    FROM source_cell c
    WHERE c.level = $5::int
      AND c.cx >= ($2::bigint * (1::bigint << ($4::int - $1::int))) << ($5::int - $4::int) AND c.cx < (($2::bigint + 1) * (1::bigint << ($4::int - $1::int))) << ($5::int - $4::int)
      AND c.cy >= ($3::bigint * (1::bigint << ($4::int - $1::int))) << ($5::int - $4::int) AND c.cy < (($3::bigint + 1) * (1::bigint << ($4::int - $1::int))) << ($5::int - $4::int)
    GROUP BY 1, 2
    HAVING sum(c.n) > 0
  ) g
) c
