#!/usr/bin/env bash
# Resolution in the load, timed: a first load of N generated leads in two sources (the
# Nevada list and a county's re-export of some of its providers: the model trained, every
# lead resolved from scratch in the store), then a load of 10,000 new leads of a third
# source linked into them, then a rebuild. Prints each run's entities line (its own
# seconds) and the wall time and peak RSS of each command.
#
#     bash bench/resolve/link.sh N [WORK_DIR]     (release build: cargo build --release)
set -euo pipefail
n=${1:?N leads}
work=${2:-target/resolve/link-$n}
bin=${LEADPIPE:-target/release/leadpipe}
rm -rf "$work" && mkdir -p "$work/new" "$work/specs"
python3 bench/duplicates.py "$n" "$work/first" --second-source >/dev/null
python3 bench/duplicates.py 10000 "$work/second" --seed 8 >/dev/null
# The re-export's test spec, and the same as a third source's, which the new leads are.
cp tests/data/resolve/specs/clark_county.toml "$work/specs/"
sed -e 's/^id = "clark_county"/id = "washoe_county"/' -e 's/\*Clark County\*/*Washoe County*/' \
    tests/data/resolve/specs/clark_county.toml >"$work/specs/washoe_county.toml"
mv "$work/second/leads/"*.csv "$work/new/07-21-2023 Washoe County new.csv"
db="sqlite:$work/leads.db"
timed() {
    /usr/bin/time -f "  wall %e s, peak RSS %M KiB" "$@" 2>&1 | grep -E "^entities:|wall" | sed 's/^/  /'
}
echo "first load of $n leads:"
timed "$bin" ingest "$work/first/leads" --specs "$work/specs" --db "$db"
echo "10,000 new leads linked into them:"
timed "$bin" ingest "$work/new" --specs "$work/specs" --db "$db"
echo "rebuild:"
timed "$bin" resolve --rebuild --db "$db"
