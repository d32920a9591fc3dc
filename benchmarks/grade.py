"""Time the class grader on 30 copies of the lesson-01 solution notebook with ``-j 2``.

Run: ``python benchmarks/grade.py`` (30 copies of lesson 01 should take under 60 s on a 2-core machine).
Copies ``solutions/01-why-nonlinearity.ipynb`` 30 times into a temporary folder, runs
``python -m course_tools.grader FOLDER --out grades.csv -j 2`` there, and prints the wall
time, the time per submission and the class summary the command printed. Options:
``--notebook PATH`` (another notebook), ``--copies N``, ``-j N``, ``--no-sandbox`` (time
the unconfined kernels instead), ``--compare`` (time both, sandboxed first, and print what
the sandbox costs per submission).

The wall time includes everything a teacher waits for: starting Python, the workers'
nbclient import, one fresh kernel per submission, the notebook's own imports and the checks.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_NOTEBOOK = ROOT / "solutions" / "01-why-nonlinearity.ipynb"
BUDGET_SECONDS = 60.0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0 when within budget and every copy got full marks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", type=Path, default=DEFAULT_NOTEBOOK)
    parser.add_argument("--copies", type=int, default=30)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--no-sandbox", action="store_true", help="grade with --no-sandbox")
    parser.add_argument("--compare", action="store_true", help="time with and without the sandbox")
    args = parser.parse_args(argv)
    if not args.notebook.is_file():
        print(f"{args.notebook} does not exist yet: nothing to time", file=sys.stderr)
        return 2
    if not args.compare:
        return time_once(args, ["--no-sandbox"] if args.no_sandbox else [])[0]
    status, sandboxed = time_once(args, [])
    status_unconfined, unconfined = time_once(args, ["--no-sandbox"])
    print(f"\nthe sandbox costs {sandboxed - unconfined:+.1f} s for {args.copies} copies "
          f"({(sandboxed - unconfined) / args.copies:+.2f} s per submission at -j {args.jobs})")
    return max(status, status_unconfined)


def time_once(args: argparse.Namespace, extra: list[str]) -> tuple[int, float]:
    """Grade the copies once; return the status (0: within budget, all full marks) and the wall time."""
    with tempfile.TemporaryDirectory(prefix="grade-benchmark-") as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        for i in range(args.copies):
            shutil.copy(args.notebook, folder / f"student-{i:02d}.ipynb")
        out = Path(tmp) / "grades.csv"
        command = [sys.executable, "-m", "course_tools.grader", str(folder), "--out", str(out),
                   "-j", str(args.jobs), "-q", *extra]
        started = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", cwd=ROOT)
        wall = time.perf_counter() - started
        with open(out, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh)) if out.exists() else []

    full = {r["submission"] for r in rows} - {r["submission"] for r in rows if r["status"] != "passed"}
    print(proc.stdout.rstrip())
    if proc.stderr.strip():
        print(proc.stderr.rstrip(), file=sys.stderr)
    print()
    shown = args.notebook.relative_to(ROOT) if args.notebook.is_relative_to(ROOT) else args.notebook
    print(f"notebook: {shown} ({'unconfined, --no-sandbox' if extra else 'in the sandbox'})")
    print(f"{args.copies} copies, -j {args.jobs}: wall time {wall:.1f} s "
          f"({wall / args.copies:.2f} s per submission); budget {BUDGET_SECONDS:.0f} s")
    rate = args.copies / wall
    print(f"throughput: {rate:.2f} submissions per second, {rate / args.jobs:.2f} per second per core "
          f"(-j {args.jobs}); size a cluster by it")
    print(f"full marks: {len(full)}/{args.copies}; exit status {proc.returncode}")
    ok = proc.returncode == 0 and wall < BUDGET_SECONDS and len(full) == args.copies
    return (0 if ok else 1), wall


if __name__ == "__main__":
    sys.exit(main())
