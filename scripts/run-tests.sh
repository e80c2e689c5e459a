#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run pytest.
# Browser tests drive Debian's chromium; storage tests start Debian's PostgreSQL on loopback;
# report tests render with poppler (pdftoppm) and LibreOffice.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium postgresql poppler-utils libreoffice-impress fonts-dejavu-core)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  echo "Installing ${missing[*]} ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt

.venv/bin/ruff check .
exec .venv/bin/python -m pytest -q "$@"
