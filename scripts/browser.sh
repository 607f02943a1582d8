#!/usr/bin/env bash
# Browser tests drive Debian's chromium through Playwright; never a downloaded browser build.
set -u
if command -v chromium >/dev/null; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "browser: installing Debian's chromium"
  apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || echo "browser: install failed"
fi
command -v chromium >/dev/null || echo "browser: no chromium; browser tests will skip"
exit 0
