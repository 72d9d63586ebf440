#!/usr/bin/env python3
"""Score early warnings on a window of real history with the contract's scorer (ew_eval.py).

usage: ew_holdout.py EWAL_DIR EDITION.csv TRANSITIONS.csv (PREDICTIONS.csv | --baseline KIND)
                     --from DAY --to DAY [--horizon 30]

Predictions dated DAY_FROM … DAY_TO count; events are the moves into ③ dated after DAY_FROM and
no later than the day after DAY_TO. For the naive rules the edition is first taken back to the
state before the first change of TRANSITIONS (changes dated on or before the edition undone), as
`backtest-forecast` does, and the rules run over the whole file.
"""
import csv, datetime, sys
args = sys.argv[1:]
sys.path.insert(0, args.pop(0))
import ew_eval  # noqa: E402

def option(name, default=None):
    if name in args:
        i = args.index(name); value = args[i + 1]; del args[i:i + 2]; return value
    return default

start, end = option("--from"), option("--to")
horizon = int(option("--horizon", "30"))
kind = option("--baseline")
edition_path, transitions_path = args[0], args[1]
edition = ew_eval.load_edition(edition_path)
transitions = ew_eval.load_transitions(transitions_path)
with open(transitions_path, encoding="utf-8", newline="") as f:
    added = {r["yj_code"] for r in csv.DictReader(f) if r["change_kind"] == "added"}
edition_day = edition_path.rsplit("_", 1)[-1][:10]
for t in sorted((t for t in transitions if t["date"] <= edition_day), key=lambda t: t["date"], reverse=True):
    if t["yj_code"] in added:
        edition.pop(t["yj_code"], None)
    elif t["yj_code"] in edition:
        edition[t["yj_code"]]["status"] = (t["from_value"] or "①")[:1]
if kind:
    predictions = ew_eval.baseline(edition, transitions, kind)
else:
    with open(args[2], encoding="utf-8-sig", newline="") as f:
        predictions = [(r["date"], r["yj_code"]) for r in csv.DictReader(f)]
predictions = [(d, c) for d, c in predictions if start <= d <= end]
last = (datetime.date.fromisoformat(end) + datetime.timedelta(days=1)).isoformat()
window = [t for t in transitions if start < t["date"] <= last]
print(ew_eval.score(window, predictions, horizon))
