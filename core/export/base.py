"""What every export writer receives, and the shape of a writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.export.records import Compilation
from core.progress import ProgressReport
from core.themes.model import Report


@dataclass(frozen=True)
class ExportInput:
    """The compiled records (consent applied) and the progress figures of the same respondents."""

    compilation: Compilation
    report: ProgressReport
    left_out: int = 0  # started but not in this export (not submitted yet, with the status 'submitted')
    # The themes part (`--format ...,themes`): found from every answer, quoting only those who may be quoted.
    themes: Report | None = None


# A writer writes its files into the folder given and returns their paths.
Writer = Callable[[ExportInput, Path], list[Path]]
