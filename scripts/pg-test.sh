#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests and the benchmark, on 127.0.0.1 only.
#   scripts/pg-test.sh start DIR [PORT]   initdb into DIR/data (if absent) and start it; prints
#                                         port=N user=strat password_file=DIR/password db=postgres
#   scripts/pg-test.sh stop DIR           stop it and delete DIR/data
# The superuser is "strat" with a random password in DIR/password (mode 600), scram-sha-256 over
# TCP; no Unix socket. PORT defaults to a free one. Binaries: PG_BIN, else the newest
# /usr/lib/postgresql/*/bin (Debian's postgresql package), else PATH. PostgreSQL refuses to run as
# root: as root the cluster runs as the "postgres" user (or "nobody"), which must be able to reach
# DIR; if it cannot, the data folder and server log go under /tmp (the path is in DIR/datadir).
# Exit: 0 started/stopped, 1 failed (one line on stderr saying why; the server log is DIR/server.log).
set -euo pipefail

die() { echo "pg-test: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: scripts/pg-test.sh start|stop DIR [PORT]"
cmd="$1"
mkdir -p "$2"
dir="$(cd "$2" && pwd)"

bin="${PG_BIN:-}"
if [ -z "$bin" ]; then
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { bin="$d"; break; }
  done
fi
if [ -z "$bin" ] && command -v initdb >/dev/null 2>&1; then bin="$(dirname "$(command -v initdb)")"; fi
[ -n "$bin" ] && [ -x "$bin/pg_ctl" ] || die "no PostgreSQL server binaries (initdb, pg_ctl): install the postgresql package (apt-get install postgresql) or set PG_BIN"

as_user=()
owner=""
if [ "$(id -u)" -eq 0 ]; then
  if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
  as_user=(runuser -u "$owner" --)
fi
run() { "${as_user[@]}" "$@"; }

data="$(cat "$dir/datadir" 2>/dev/null || echo "$dir/data")"

case "$cmd" in
  start)
    port="${3:-}"
    if [ -z "$port" ]; then
      for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 30000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
      done
      [ -n "$port" ] || die "no free port found"
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      data="$dir/data"
      if [ -n "$owner" ] && ! run test -x "$dir"; then
        data="$(mktemp -d /tmp/strat-pg.XXXXXX)/data"
      fi
      echo "$data" >"$dir/datadir"
      mkdir -p "$data"
      umask 077
      head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/password"
      pwfile="$(dirname "$data")/.pw"
      cp "$dir/password" "$pwfile"
      if [ -n "$owner" ]; then
        chown -R "$owner" "$data" "$pwfile"
        # mktemp -d makes its folder 0700 for root: the server's user must be able to enter it.
        case "$data" in /tmp/strat-pg.*/data) chown "$owner" "$(dirname "$data")" ;; esac
      fi
      run "$bin/initdb" -D "$data" -U strat --pwfile="$pwfile" --auth-host=scram-sha-256 \
        --auth-local=scram-sha-256 -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
        || { rm -f "$pwfile"; die "initdb failed: $(tail -1 "$dir/initdb.log")"; }
      rm -f "$pwfile"
    fi
    log="$dir/server.log"
    # Beside the data folder when that had to go under /tmp: the server's user cannot reach DIR.
    case "$data" in /tmp/strat-pg.*/data) log="$(dirname "$data")/server.log" ;; esac
    touch "$log"
    if [ -n "$owner" ]; then chown "$owner" "$log"; fi
    # The server outlives this script: it must not inherit a descriptor it would hold open, such
    # as the lock of a `flock LOCKFILE scripts/...` around the caller (the lock would never free).
    for fd in $(ls /proc/$$/fd 2>/dev/null); do
      if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    run "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" \
      start >"$dir/pg_ctl.log" 2>&1 || die "the server did not start on port $port: $(tail -1 "$log")"
    echo "$port" >"$dir/port"
    echo "port=$port user=strat password_file=$dir/password db=postgres"
    ;;
  stop)
    if [ -f "$data/postmaster.pid" ]; then
      run "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || die "could not stop the server in $data"
    fi
    case "$data" in
      /tmp/strat-pg.*/data) rm -rf "$(dirname "$data")" ;;
      *) rm -rf "$data" ;;
    esac
    rm -f "$dir/datadir" "$dir/port"
    ;;
  *) die "usage: scripts/pg-test.sh start|stop DIR [PORT]" ;;
esac
