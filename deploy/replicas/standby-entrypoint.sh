#!/bin/sh
# A hot standby of db-primary: on first start its data folder is a base backup of the primary
# (pg_basebackup -R writes standby.signal and primary_conninfo), then it streams from it.
# The test suite makes the same topology with Debian's packages (test/support/replica-cluster.ts).
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h db-primary -U yzt -d yzt; do sleep 1; done
  mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
  gosu postgres env PGPASSWORD="$POSTGRES_PASSWORD" pg_basebackup -h db-primary -U yzt -D "$PGDATA" -R -X stream -c fast
fi
exec gosu postgres postgres -c hot_standby=on -c max_parallel_workers_per_gather=0 -c shared_buffers=1GB
