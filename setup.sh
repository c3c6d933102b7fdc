#!/usr/bin/env bash
# Sets up everything assess needs on Debian or Ubuntu, then serves or tests.
#   ./setup.sh serve   set up and serve on http://127.0.0.1:8000
#   ./setup.sh test    set up, plus Chromium and PostgreSQL, then run the whole suite
# Running it again is fast and changes nothing that exists.
set -euo pipefail
cd "$(dirname "$0")"
MODE="${1:-serve}"
shift || true
case "$MODE" in serve|test) ;; *) echo "usage: ./setup.sh serve|test" >&2; exit 2 ;; esac

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else SUDO="__none__"; fi
fi

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$SUDO" = "__none__" ]; then
    echo "These system packages are needed: ${missing[*]}" >&2
    echo "Run this script as root or install sudo." >&2
    exit 1
  fi
  say "installing system packages: ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 or newer is needed" >&2; exit 1
}

# WeasyPrint's libraries (harfbuzz-subset keeps Japanese PDFs fast), Japanese fonts, pdftoppm.
SYSTEM=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils ca-certificates)
if [ "$MODE" = test ]; then
  SYSTEM+=(chromium postgresql)
  command -v npm >/dev/null || SYSTEM+=(nodejs npm)  # axe-core for the accessibility checks
fi
apt_install "${SYSTEM[@]}"

PY="$(find_python)"
if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
  apt_install python3-venv
fi
if [ ! -x .venv/bin/python ]; then
  say "creating the virtual environment"
  "$PY" -m venv .venv
fi
STAMP=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$STAMP" ]; then
  say "installing Python packages"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
  rm -f .venv/.installed-*
  touch "$STAMP"
fi

# Compiled catalogues are build output; compile when a .po is newer.
for po in assess/locale/*/LC_MESSAGES/messages.po; do
  mo="${po%.po}.mo"
  if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
    .venv/bin/pybabel compile -i "$po" -o "$mo" >/dev/null 2>/tmp/assess-pybabel.log || {
      cat /tmp/assess-pybabel.log >&2; echo "cannot compile $po" >&2; exit 1; }
  fi
done

if [ "$MODE" = serve ]; then
  .venv/bin/assess db upgrade >/dev/null
  .venv/bin/assess demo
  say "serving on http://127.0.0.1:8000 (Ctrl+C to stop)"
  exec .venv/bin/assess serve --host 127.0.0.1 --port 8000
fi

# --- test: axe-core from the npm registry; PostgreSQL comes from scripts/pg_temp.py ---
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
  say "installing axe-core"
  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error >/dev/null
fi

say "style, types and layers (scripts/lint.sh)"
scripts/lint.sh

export ASSESS_CHROMIUM="$(command -v chromium || true)"
say "test suite on SQLite"
# -n auto: one test process per core (pytest-xdist); every test has its own database and files.
.venv/bin/python -m pytest -n auto "$@"
say "test suite on PostgreSQL"
# A private server on a free port, stopped and deleted afterwards.
.venv/bin/python scripts/pg_temp.py sh -c 'ASSESS_TEST_DATABASE_URL="$ASSESS_PG_URL" exec .venv/bin/python -m pytest -n auto "$@"' pytest "$@"
