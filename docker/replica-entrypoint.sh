#!/bin/bash
# Makes the replica's data directory from the primary with pg_basebackup on first start, then runs the server
# as a hot standby streaming through slot pgrouter_replica_1. Arguments are the server command line.
set -euo pipefail
mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until gosu postgres pg_basebackup -h primary -p 5432 -U replicator -D "$PGDATA" -X stream -c fast \
      -S pgrouter_replica_1 -R; do
    echo "waiting for the primary..."; sleep 1
  done
  # -R wrote standby.signal and primary_conninfo; the password comes from PGPASSWORD at run time.
fi
exec gosu postgres "$@"
