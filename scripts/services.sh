#!/usr/bin/env bash
# Make sure the suite can reach a real Redis and (where there is one) PostgreSQL.
# Redis: REDIS_URL, else 127.0.0.1:6379, else a private redis-server the tests start themselves,
# installing Debian's redis-server first when it is missing and we may (root with apt-get).
# PostgreSQL: TEST_DATABASE_URL, else 127.0.0.1:5432 (database "test", trust auth), started or
# installed here when we may; without one the PostgreSQL tests skip (on CI they must run).
set -u

may_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
apt_updated=""
apt_install() {
  may_install || return 1
  [ -n "$apt_updated" ] || { apt-get update -qq >/dev/null 2>&1; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -z "${REDIS_URL:-}" ] && ! port_open 6379; then
  if ! command -v redis-server >/dev/null; then
    echo "services: installing redis-server"; apt_install redis-server || echo "services: cannot install redis-server"
  fi
  if command -v redis-server >/dev/null; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp --logfile /tmp/sheetbooks-redis.log && echo "services: started redis-server on 6379"
  fi
fi

if [ -z "${TEST_DATABASE_URL:-}" ] && ! port_open 5432; then
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "services: installing postgresql"; apt_install postgresql || echo "services: cannot install postgresql"
  fi
  if command -v pg_ctlcluster >/dev/null; then
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$version" ]; then
      conf=/etc/postgresql/$version/main/pg_hba.conf
      grep -q "sheetbooks-trust" "$conf" 2>/dev/null || {
        printf '# sheetbooks-trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' | cat - "$conf" > /tmp/pg_hba && cp /tmp/pg_hba "$conf"
      }
      pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
      for _ in $(seq 50); do port_open 5432 && break; sleep 0.2; done
      su postgres -c "psql -tAc \"select 1 from pg_database where datname='test'\"" 2>/dev/null | grep -q 1 \
        || su postgres -c "createdb test" 2>/dev/null || true
      echo "services: PostgreSQL $version on 5432"
    fi
  fi
fi
port_open 6379 || [ -n "${REDIS_URL:-}" ] || command -v redis-server >/dev/null || { echo "services: no Redis available"; exit 1; }
exit 0
