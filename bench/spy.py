"""A sampling profile of a running process with py-spy (`pip install -e ".[bench]"`), and its top costs.

    python -m bench.spy PROFILE.txt --top 20

py-spy reads the process from outside (no change to it, little overhead with --nonblocking) and by
default keeps only samples where a thread was running Python, not waiting: the CPU time's stacks.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

RATE = 100  # samples per second
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^:()]*)(?::\d+)?\)$")


async def record(pid: int, seconds: float, output: Path, *, rate: int = RATE, wall: bool = False) -> None:
    """Sample `pid` for `seconds` into `output` (py-spy's raw format: one stack and its count a line).

    `wall`: every thread, waiting or not, each stack under a "thread (id): name" frame (py-spy --idle
    --threads): where the time of a wait goes, not only the CPU's.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    process = await asyncio.create_subprocess_exec(
        _py_spy(), "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", str(rate),
        "--format", "raw", "--nonblocking", "--output", str(output), *(["--idle", "--threads"] if wall else []),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    await process.wait()


def _py_spy() -> str:
    """py-spy beside this Python (a virtual environment's bin folder need not be on PATH), else on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else "py-spy"


def frames(stack: str) -> list[tuple[str, str]]:
    """(function, file) of each frame, outermost first; line numbers dropped."""
    found = []
    for frame in stack.split(";"):
        match = FRAME.match(frame)
        found.append((match["function"], match["file"]) if match else (frame, ""))
    return found


def package(file: str) -> str:
    """What a file belongs to: its first folder (pydantic, asyncio, core, ...) or the file itself."""
    return file.split("/", 1)[0].removesuffix(".py") if file else "?"


def summary(profile: Path, top: int = 20) -> dict[str, Any]:
    """Samples in all; where they were (self, the innermost frame) by package and by function;
    and the functions most often anywhere on the stack (inclusive)."""
    own_package: Counter[str] = Counter()
    own_function: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in profile.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        stack_frames, samples = frames(stack), int(count)
        total += samples
        function, file = stack_frames[-1]
        own_package[package(file)] += samples
        own_function[f"{function} ({file})"] += samples
        for name in {f"{function} ({file})" for function, file in stack_frames}:
            inclusive[name] += samples

    def shares(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(name, round(100 * n / total, 1)) for name, n in counter.most_common(top)]

    return {"samples": total, "self_by_package": shares(own_package), "self_by_function": shares(own_function),
            "inclusive": shares(inclusive)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)
    result = summary(args.profile, args.top)
    print(f"{result['samples']} samples")
    for heading in ("self_by_package", "self_by_function", "inclusive"):
        print(f"\n{heading} (% of samples)")
        for name, share in result[heading]:
            print(f"{share:6.1f}  {name}")


if __name__ == "__main__":
    main()
