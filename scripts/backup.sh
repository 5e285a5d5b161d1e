#!/usr/bin/env bash
# make backup: the database of DATABASE_URL in pg_dump's custom format, and the uploaded files
# (MEDIA_ROOT) as a tar beside it.
#
#   BACKUP_FILE   the dump to write; default backups/kam-YYYYmmdd-HHMMSS.dump (UTC). The media
#                 go to the same name with .media.tar.gz instead of .dump.
#   DATABASE_URL  and MEDIA_ROOT as the product reads them: the environment, else .env, else
#                 the defaults (media/; a SQLite DATABASE_URL is refused: copy that file instead).
#
# Written under a temporary name and renamed when complete, so a dump with the final name is
# always whole. `make restore` reads both files.
set -euo pipefail
cd "$(dirname "$0")/.."

setting() { # setting NAME DEFAULT: the environment's value, else the .env file's, else DEFAULT
	local name=$1 default=${2-} line value
	if [[ -n "${!name:-}" ]]; then
		printf '%s' "${!name}"
		return
	fi
	if [[ -f .env ]] && line=$(grep -E "^[[:space:]]*${name}=" .env | tail -n 1) && [[ -n $line ]]; then
		value=${line#*=}
		value=${value%\"}
		value=${value#\"}
		value=${value%\'}
		value=${value#\'}
		printf '%s' "$value"
		return
	fi
	printf '%s' "$default"
}

url=$(setting DATABASE_URL "")
case "$url" in
postgres://* | postgresql://*) ;;
pgsql://* | postgis://*) url="postgresql://${url#*://}" ;;
*)
	echo "make backup needs DATABASE_URL of a PostgreSQL database (got '${url:-nothing}')." >&2
	echo "With the embedded SQLite default, copy kam.sqlite3 and media/ instead." >&2
	exit 2
	;;
esac
media_root=$(setting MEDIA_ROOT media)
file=${BACKUP_FILE:-backups/kam-$(date -u +%Y%m%d-%H%M%S).dump}
case "$file" in
*.dump) media_tar="${file%.dump}.media.tar.gz" ;;
*) media_tar="${file}.media.tar.gz" ;;
esac
mkdir -p "$(dirname "$file")"

if [[ -e "$file" || -e "$media_tar" ]]; then
	echo "$file or $media_tar exists already; give another BACKUP_FILE." >&2
	exit 2
fi

started=$(date +%s)
trap 'rm -f "$file.partial" "$media_tar.partial"' EXIT # nothing half-written stays behind
pg_dump --format=custom --compress=6 --file="$file.partial" --dbname="$url"
pg_restore --list "$file.partial" >/dev/null # readable, every entry listed
if [[ -d "$media_root" ]]; then
	tar -czf "$media_tar.partial" -C "$media_root" .
	media_files=$(find "$media_root" -type f | wc -l)
else
	tar -czf "$media_tar.partial" --files-from /dev/null
	media_files=0
fi
mv "$file.partial" "$file"
mv "$media_tar.partial" "$media_tar"

entries=$(pg_restore --list "$file" | grep -c '^[0-9]' || true)
echo "Backed up to $file ($(du -h "$file" | cut -f1), $entries entries) and $media_tar" \
	"($media_files media files) in $(($(date +%s) - started)) s."
echo "Restore: make restore BACKUP_FILE=$file RESTORE_DATABASE=<a new database name>"
