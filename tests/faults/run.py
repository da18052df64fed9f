"""`python -m tests.faults.run` (`make faults`): the fault suite at full size, on a stack of its own; a
table per fault, and a non-zero exit when any proof fails. `--short` runs the size `make test` runs."""

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from tests.faults.scenarios import FULL, SHORT, Result, run_all
from tests.faults.stack import FaultStack


def held(r: Result) -> bool:
    """The proof holds for this fault: nothing wrong, no 500, every in-doubt answer resolved, and every
    kill landed while there was work left to do."""
    f = r.findings
    return not f.errors and not f.five_hundreds and f.in_doubt == f.resolved and bool(f.landed) and all(f.landed)


def report(results: list[Result]) -> str:
    lines = []
    for r in results:
        f = r.findings
        answers = ", ".join(f"{status}: {n}" for status, n in sorted(f.answers.items()))
        lines += [
            f"## {r.fault} ({r.seconds:.0f} s)",
            f"answers by status: {answers or 'none (no client requests in this fault)'}",
            f"500s: {f.five_hundreds}; in doubt at first (503 or no answer): {f.in_doubt}, resolved to their"
            f" real outcome by a repeat with the same key: {f.resolved}",
            f"lost: {len(f.lost)}; duplicated: {len(f.duplicated)}; read model differs: {len(f.disagree)};"
            f" other: {len(f.other)}",
            *f.notes,
            *(f"  - {e}" for e in f.errors),
            "",
        ]
    return "\n".join(lines)


async def main(short: bool, workdir: Path | None) -> int:
    size = SHORT if short else FULL
    with tempfile.TemporaryDirectory(prefix="overdracht-faults-") as tmp:
        where = workdir or Path(tmp)
        started = time.monotonic()
        async with FaultStack.running(where) as stack:
            results = await run_all(stack, size)
        print(f"# Fault run: {size.journeys} clients' journeys per fault, a {size.rows}-row import"
              f" ({time.monotonic() - started:.0f} s; mails delivered: {len(stack.sink.message_ids)})\n")  # fmt: skip
        print(report(results))
    failed = [r for r in results if not held(r)]
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.faults.run", description=__doc__)
    parser.add_argument("--short", action="store_true", help="the shortened run of `make test`")
    parser.add_argument("--workdir", type=Path, help="keep the stack's data and logs here (default: removed)")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.short, args.workdir)))
