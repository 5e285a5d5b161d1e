#!/usr/bin/env bash
# make restore: a backup made by `make backup` into a NEW database, and its media files.
#
#   BACKUP_FILE         the dump (required); its media tar is the same name with
#                       .media.tar.gz instead of .dump
#   RESTORE_DATABASE    the name of the database to create (required). It is created on the
#                       server of DATABASE_URL; a name that exists is refused, never overwritten.
#   RESTORE_MEDIA_ROOT  where the media files go; default MEDIA_ROOT. It must be empty or
#                       missing, so no file is overwritten.
#   DATABASE_URL, MEDIA_ROOT   as the product reads them (environment, else .env).
#
# If the restore fails, the database it created is dropped again. Afterwards point
# DATABASE_URL (and MEDIA_ROOT) at the restored copy.
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

file=${BACKUP_FILE:-}
name=${RESTORE_DATABASE:-}
if [[ -z "$file" || -z "$name" ]]; then
	echo "Usage: make restore BACKUP_FILE=backups/kam-….dump RESTORE_DATABASE=new_name" >&2
	exit 2
fi
if [[ ! -f "$file" ]]; then
	echo "No backup at $file." >&2
	exit 2
fi
if [[ ! "$name" =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
	echo "RESTORE_DATABASE must be a plain name: lower-case letters, digits and _ (got '$name')." >&2
	exit 2
fi
case "$file" in
*.dump) media_tar="${file%.dump}.media.tar.gz" ;;
*) media_tar="${file}.media.tar.gz" ;;
esac

url=$(setting DATABASE_URL "")
case "$url" in
postgres://* | postgresql://*) ;;
pgsql://* | postgis://*) url="postgresql://${url#*://}" ;;
*)
	echo "make restore needs DATABASE_URL of the PostgreSQL server to restore on (got '${url:-nothing}')." >&2
	exit 2
	;;
esac
# The same server and options, another database: …/dbname?options -> …/NAME?options
query=""
[[ "$url" == *\?* ]] && query="?${url#*\?}"
server=${url%%\?*}
server=${server%/*}
admin_url="$server/postgres$query"
target_url="$server/$name$query"

media_root=$(setting RESTORE_MEDIA_ROOT "$(setting MEDIA_ROOT media)")
if [[ -f "$media_tar" && -d "$media_root" ]] && [[ -n "$(ls -A "$media_root")" ]]; then
	echo "The media folder $media_root is not empty; give an empty or new RESTORE_MEDIA_ROOT." >&2
	exit 2
fi

exists=$(psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$admin_url" --set=name="$name" \
	<<<"SELECT 1 FROM pg_database WHERE datname = :'name';")
if [[ -n "$exists" ]]; then
	echo "The database $name exists already; restore refuses to overwrite it. Choose a new name." >&2
	exit 3
fi

started=$(date +%s)
# CREATE DATABASE fails on its own if another restore took the name meanwhile.
psql --no-psqlrc --quiet --dbname="$admin_url" --set=ON_ERROR_STOP=1 --set=name="$name" \
	<<<'CREATE DATABASE :"name";'
created=1
drop_on_failure() {
	if [[ ${created:-0} == 1 ]]; then
		echo "The restore failed; dropping the database $name it created." >&2
		psql --no-psqlrc --quiet --dbname="$admin_url" --set=name="$name" \
			<<<'DROP DATABASE IF EXISTS :"name" WITH (FORCE);' || true
	fi
}
trap drop_on_failure ERR

pg_restore --exit-on-error --no-owner --dbname="$target_url" "$file"
psql --no-psqlrc --quiet --dbname="$target_url" --set=ON_ERROR_STOP=1 <<<'ANALYZE;'

media_files=0
if [[ -f "$media_tar" ]]; then
	mkdir -p "$media_root"
	tar -xzf "$media_tar" -C "$media_root" --no-same-owner
	media_files=$(find "$media_root" -type f | wc -l)
fi
created=0
trap - ERR

echo "Restored $file into the new database $name in $(($(date +%s) - started)) s," \
	"and $media_files media files into $media_root."
echo "Use it: DATABASE_URL of the same server with the database $name, MEDIA_ROOT=$media_root"
