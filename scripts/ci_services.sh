#!/usr/bin/env bash
# Start the services the integration tests use: PostgreSQL (+ PostGIS), Mosquitto (MQTT) and NATS
# with JetStream. Idempotent: whatever already answers on its port is left alone. Run by CI before
# the tests (as root, on the Debian 12 image); prints one line per service and exits non-zero
# when a service does not come up.
set -uo pipefail

PG_PORT=${PGPORT:-5432}
MQTT_PORT=1883
NATS_PORT=4222
WAIT_S=${CI_SERVICES_WAIT_S:-30}
failed=0

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {  # wait_port PORT -> 0 when it answers within WAIT_S
    local deadline=$((SECONDS + WAIT_S))
    until port_open "$1"; do
        ((SECONDS >= deadline)) && return 1
        sleep 0.2
    done
}

report() {  # report NAME PORT HOW
    if wait_port "$2"; then
        echo "$1: up on 127.0.0.1:$2 ($3)"
    else
        echo "$1: FAILED to answer on 127.0.0.1:$2 within ${WAIT_S}s ($3)"
        failed=1
    fi
}

# --- PostgreSQL + PostGIS ---------------------------------------------------------------------
if ! dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-15-postgis-3; } \
        >/tmp/ci_services_apt.log 2>&1 || echo "postgis: apt-get install failed, see /tmp/ci_services_apt.log"
fi
if port_open "$PG_PORT"; then
    how="already running"
else
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start \
        >/tmp/ci_services_pg.log 2>&1
    how="started"
fi
report postgresql "$PG_PORT" "$how"
if port_open "$PG_PORT" && command -v psql >/dev/null; then
    # the test suite connects to database "test" as postgres
    if ! psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" \
        2>/dev/null | grep -q 1; then
        createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres test 2>/dev/null \
            || echo "postgresql: could not create database 'test'"
    fi
fi

# --- Chromium for the browser tests (Debian's; Playwright drives it by path, never downloads one) ---
if ! command -v chromium >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    if { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; } \
        >/tmp/ci_services_chromium.log 2>&1; then
        echo "chromium: installed ($(chromium --version 2>/dev/null | head -n 1))"
    else
        echo "chromium: apt-get install failed, see /tmp/ci_services_chromium.log"
        failed=1
    fi
else
    echo "chromium: present ($(chromium --version 2>/dev/null | head -n 1))"
fi

# --- Java 17+ for the Spark tests (PySpark starts a local JVM) ----------------------------------
if ! command -v java >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    if { apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless; } \
        >/tmp/ci_services_java.log 2>&1; then
        echo "java: installed ($(java -version 2>&1 | head -n 1))"
    else
        echo "java: apt-get install failed, see /tmp/ci_services_java.log"
        failed=1
    fi
else
    echo "java: present ($(java -version 2>&1 | head -n 1))"
fi

# --- Mosquitto ----------------------------------------------------------------------------------
if port_open "$MQTT_PORT"; then
    how="already running"
else
    mosquitto -d -c /etc/mosquitto/mosquitto.conf
    how="started"
fi
report mosquitto "$MQTT_PORT" "$how"

# --- NATS with JetStream --------------------------------------------------------------------------
if port_open "$NATS_PORT"; then
    how="already running"
else
    mkdir -p /var/lib/nats-server
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
        -a 127.0.0.1 -p "$NATS_PORT" -js -sd /var/lib/nats-server -l /var/log/nats-server.log
    how="started"
fi
report nats "$NATS_PORT" "$how"

exit "$failed"
