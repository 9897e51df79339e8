#!/bin/sh
# Runs once, when the primary's data folder is first made (docker-entrypoint-initdb.d):
# lets the standby stream WAL with the same password login as the app.
set -e
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
