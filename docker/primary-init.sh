#!/bin/bash
# Runs once, when the primary's data directory is created: a replication user, its slot, and pg_hba access.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<-SQL
  CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD 'replicator-secret';
  GRANT pg_monitor TO replicator;
  SELECT pg_create_physical_replication_slot('pgrouter_replica_1', true);
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
