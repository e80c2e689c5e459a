#!/usr/bin/env bash
# Start a throwaway PostgreSQL on 127.0.0.1 for tests and benchmarks, and print its URL.
#
#   scripts/start_postgres.sh [DIR]     start a server with its files in DIR (default: a new
#                                       temp dir); prints postgresql://skab@127.0.0.1:PORT/skab
#   scripts/start_postgres.sh stop DIR  stop the server started in DIR and delete DIR
#
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
# PG_BIN overrides where initdb/pg_ctl are (default: the newest /usr/lib/postgresql/*/bin).
# PYTHON names the interpreter used to find a free port (default python3).
# Fails loudly (exit 1, message on stderr) when the binaries are missing.
set -euo pipefail

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [[ -z "${PG_BIN}" || ! -x "${PG_BIN}/initdb" || ! -x "${PG_BIN}/pg_ctl" ]]; then
    echo "start_postgres.sh: no PostgreSQL binaries (initdb, pg_ctl) found; install the" \
         "postgresql package or set PG_BIN" >&2
    exit 1
fi

as_pg_user() {
    if [[ $(id -u) -eq 0 ]]; then
        if ! id postgres >/dev/null 2>&1; then
            echo "start_postgres.sh: running as root but there is no 'postgres' user" >&2
            exit 1
        fi
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

if [[ "${1:-}" == "stop" ]]; then
    DIR=${2:?usage: start_postgres.sh stop DIR}
    if [[ -f "${DIR}/data/postmaster.pid" ]]; then
        as_pg_user "${PG_BIN}/pg_ctl" -D "${DIR}/data" -m immediate -w stop >/dev/null || true
    fi
    rm -rf "${DIR}"
    exit 0
fi

DIR=${1:-$(mktemp -d "${TMPDIR:-/tmp}/skab-pg.XXXXXX")}
mkdir -p "${DIR}"
if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "${DIR}"
fi

PORT=$("${PYTHON:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

as_pg_user "${PG_BIN}/initdb" -D "${DIR}/data" -U skab --auth=trust --encoding=UTF8 \
    --no-locale >"${DIR}/initdb.log" 2>&1 || {
    cat "${DIR}/initdb.log" >&2
    exit 1
}
as_pg_user "${PG_BIN}/pg_ctl" -D "${DIR}/data" -l "${DIR}/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p ${PORT} -k ${DIR} -c max_connections=200" start >/dev/null || {
    cat "${DIR}/server.log" >&2
    exit 1
}
as_pg_user "${PG_BIN}/createdb" -h 127.0.0.1 -p "${PORT}" -U skab skab

echo "postgresql://skab@127.0.0.1:${PORT}/skab"
