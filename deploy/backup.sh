#!/bin/sh
# Backup of the portal: the database (pg_dump, custom format) and MEDIA_ROOT (the uploaded
# minutes' documents and evidence), each in a dated file; older ones than
# PILKADA_BACKUP_KEEP_DAYS (14) are removed. Run nightly by pilkada-backup.timer, or by hand:
#   set -a; . /etc/pilkada/pilkada.env; set +a; deploy/backup.sh /var/backups/pilkada
# A dump is a consistent snapshot of one moment; for recovery to any minute, archive the WAL
# as well (docs/deployment.md, "Backups").
set -eu
target="${1:?usage: backup.sh <backup folder>}"
keep_days="${PILKADA_BACKUP_KEEP_DAYS:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$target"
pg_dump --format=custom --no-owner --file="$target/pilkada-$stamp.dump" "$DATABASE_URL"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -czf "$target/media-$stamp.tar.gz" .
find "$target" -name 'pilkada-*.dump' -mtime +"$keep_days" -delete
find "$target" -name 'media-*.tar.gz' -mtime +"$keep_days" -delete
echo "$target/pilkada-$stamp.dump $target/media-$stamp.tar.gz"
