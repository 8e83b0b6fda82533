"""Benchmark the stable, top-choice and floor objectives next to the plain optimum.

    .venv/bin/python bench/objectives_bench.py [--sizes city,region] [--lp]

Each size runs in its own process. The round gets stated preferences first: 40% of
apprentices rank up to 5 of their 10 best allowed mentors (in random order), 20% of
mentors mark one or two of their allowed apprentices as preferred and 5% one as not a
good fit; the floor is a partner floor halfway between the plain optimum's lowest partner
match rate and its overall rate, so it binds for the partners below it. `--lp` also times
the program path of matcher/floors_lp.py (forced) on the same floor, to compare the two
exact methods.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from instances import make_round  # noqa: E402

from matcher import MatchRules, propose_pairs  # noqa: E402
from matcher.features import encode  # noqa: E402
from matcher.rounds import build_edges  # noqa: E402

SIZES = {"city": (1_000, 400), "region": (10_000, 2_500)}


def with_preferences(apprentices, mentors, seed: int = 7):
    """The round with stated preferences drawn from allowed pairs."""
    rng = np.random.default_rng(seed)
    apprentices = sorted(apprentices, key=lambda a: a.id)
    mentors = sorted(mentors, key=lambda m: m.id)
    edges = build_edges(encode(apprentices, mentors, MatchRules()), MatchRules())
    starts = np.searchsorted(edges.rows, np.arange(len(apprentices) + 1))
    ranked, liked = [], {}
    for i, a in enumerate(apprentices):
        lo, hi = starts[i], starts[i + 1]
        if hi == lo or rng.random() >= 0.4:
            ranked.append(a)
            continue
        best = lo + np.argsort(-edges.scores[lo:hi], kind="stable")[:10]
        pick = rng.permutation(best)[: rng.integers(1, 6)]
        ranked.append(replace(a, ranked_mentors=tuple(mentors[j].id for j in edges.cols[pick])))
        for j in edges.cols[lo:hi].tolist():
            liked.setdefault(j, []).append(a.id)
    marked = []
    for j, m in enumerate(mentors):
        pool = liked.get(j, [])
        if pool and rng.random() < 0.2:
            m = replace(m, preferred=frozenset(rng.choice(pool, rng.integers(1, 3)).tolist()))
        if pool and rng.random() < 0.05:
            m = replace(m, not_fit=frozenset([str(rng.choice(pool))]) - m.preferred)
        marked.append(m)
    return ranked, marked


def run_size(name: str, lp: bool) -> dict:
    """Time the plain optimum and each objective on one stated round."""
    apprentices, mentors = with_preferences(*make_round(*SIZES[name], seed=11))
    propose_pairs(apprentices[:50], mentors[:20])  # warm-up: lazy imports
    out = {"size": name, "apprentices": len(apprentices), "mentors": len(mentors)}
    plain = _timed(apprentices, mentors, MatchRules())
    floor = int((plain["lowest_rate"] + plain["matched"] / len(apprentices)) * 50) / 100
    out["floor"] = floor
    runs = {
        "optimal": (plain, None),
        "stable": (_timed(apprentices, mentors, MatchRules(objective="stable")), "stable"),
        "top_choices=3": (_timed(apprentices, mentors, MatchRules(top_choices=3)), "top_choices"),
        f"floors partner>={floor}": (
            _timed(apprentices, mentors, MatchRules(min_match_rate={"partner": floor})),
            "floors",
        ),
    }
    if lp:
        runs["floors via linprog"] = (_timed_lp(apprentices, mentors, floor), "floors")
    out["runs"] = {k: v[0] for k, v in runs.items()}
    return out


def _timed(apprentices, mentors, rules) -> dict:
    start = time.perf_counter()
    result = propose_pairs(apprentices, mentors, rules)
    seconds = time.perf_counter() - start
    report = result.report
    fig = {
        "seconds": seconds,
        "matched": report["matched"],
        "total_score": report["total_score"],
        "path": result.solve_path,
        "lowest_rate": min(g["rate"] for g in report["match_rate_by_partner"].values()),
    }
    for key in ("stable", "top_choices", "floors"):
        if key in report:
            section = report[key]
            fig["price"] = section.get("price")
            if key == "top_choices":
                fig["top_k"] = [section["top_k"], section["ranked"], len(section["not_met"])]
            if key == "floors":
                fig["floors"] = [section["feasible"], section["method"], section["seconds"]]
    fig["blocking_pairs"] = report["objectives"][_own(rules)]["blocking_pairs"]
    return fig


def _own(rules: MatchRules) -> str:
    if rules.objective == "stable":
        return "stable"
    if rules.top_choices:
        return "top_choices"
    return "floors" if rules.min_match_rate else "optimal"


def _timed_lp(apprentices, mentors, floor) -> dict:
    """The partner floor through the linear program (floors_lp), for comparison."""
    import matcher.floors as floors
    from matcher.floors_lp import solve_floors_lp

    original = floors.solve_floors

    def forced(n, capacity, edges, groups, objective, start, free, spreading=0.0):
        return solve_floors_lp(n, capacity, edges, groups, objective, start)

    floors.solve_floors = forced
    try:
        return _timed(apprentices, mentors, MatchRules(min_match_rate={"partner": floor}))
    finally:
        floors.solve_floors = original


def print_size(f: dict) -> None:
    """One size's figures, readable."""
    if "error" in f:
        print(f"  failed: {f['error']}")
        return
    print(f"\n{f['size']}: {f['apprentices']:,} apprentices x {f['mentors']:,} mentors")
    base = f["runs"]["optimal"]["seconds"]
    for name, r in f["runs"].items():
        extra = ""
        if r.get("price"):
            extra += (
                f", gives up {r['price']['matches_given_up']} matches and "
                f"{r['price']['score_given_up']:.2f} score"
            )
        if "top_k" in r:
            got, ranked, missed = r["top_k"]
            extra += f", {got:,} of {ranked:,} who ranked got a top-3 choice ({missed:,} not)"
        if "floors" in r:
            extra += f", feasible {r['floors'][0]}, {r['floors'][1]}"
        print(
            f"  {name:24s} {r['seconds']:7.3f} s ({r['seconds'] / base:4.2f}x optimum)  "
            f"matched {r['matched']:,}, score {r['total_score']:.2f}, "
            f"blocking pairs {r['blocking_pairs']:,}{extra}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="city,region")
    parser.add_argument("--lp", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_size(args.one, args.lp)))
        return 0
    print(__doc__.splitlines()[0])
    for name in args.sizes.split(","):
        cmd = [sys.executable, __file__, "--one", name, *(["--lp"] if args.lp else [])]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode:
            print_size({"error": done.stderr.strip().splitlines()[-1:]})
        else:
            print_size(json.loads(done.stdout.strip().splitlines()[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
