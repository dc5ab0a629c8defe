#!/usr/bin/env bash
# Resolution in the load, timed: a first load of N generated leads (the model trained, every
# lead resolved from scratch in the store), then a load of 10,000 new leads of another source
# linked into them, then a rebuild. Prints each run's entities line (its own seconds) and the
# wall time and peak RSS of each command.
#
#     bash bench/resolve/link.sh N [WORK_DIR]     (release build: cargo build --release)
set -euo pipefail
n=${1:?N leads}
work=${2:-target/resolve/link-$n}
bin=${LEADPIPE:-target/release/leadpipe}
specs=tests/data/resolve/specs
rm -rf "$work" && mkdir -p "$work/new"
python3 bench/duplicates.py "$n" "$work/first" >/dev/null
python3 bench/duplicates.py 10000 "$work/second" --seed 8 >/dev/null
# The new leads as another source publishes them (the clark_county test spec claims them).
mv "$work/second/leads/"*.csv "$work/new/07-14-2023 Clark County new.csv"
db="sqlite:$work/leads.db"
timed() {
    /usr/bin/time -f "  wall %e s, peak RSS %M KiB" "$@" 2>&1 | grep -E "^entities:|wall" | sed 's/^/  /'
}
echo "first load of $n leads:"
timed "$bin" ingest "$work/first/leads" --db "$db"
echo "10,000 new leads linked into them:"
timed "$bin" ingest "$work/new" --specs "$specs" --db "$db"
echo "rebuild:"
timed "$bin" resolve --rebuild --db "$db"
