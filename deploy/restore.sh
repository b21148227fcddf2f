#!/bin/sh
# Restore a backup made by backup.sh: the dump into the (new, empty) database DATABASE_URL
# names, the media archive into MEDIA_ROOT. Then: manage.py migrate (brings an older dump up to
# the code) and start the services. The test suite runs this restore on every CI run
# (tests/integration/deploy/test_failover.py).
#   set -a; . /etc/pilkada/pilkada.env; set +a
#   deploy/restore.sh /var/backups/pilkada/pilkada-<stamp>.dump /var/backups/pilkada/media-<stamp>.tar.gz
set -eu
dump="${1:?usage: restore.sh <dump file> <media archive>}"
media="${2:?usage: restore.sh <dump file> <media archive>}"
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$dump"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$media"
