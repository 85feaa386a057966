"""An export's records and figures, built one session at a time: memory holds records, never sessions.

A repository streams its sessions (`Repository.each`); each becomes a compact Record (when the
status chosen takes it in) and a Standing added to the figures, and is then dropped. Respondent
numbers follow the order people started, known only at the end, so they are set last.

Given a folder (the export's staging folder), the records go to a spool file there as they come
(core/export/spool.py) and memory keeps only where each one is: what `consult export` and the bots
do, so that memory does not grow with the answers. Without one they stay in a list (tests, callers
of `compile_responses`).
"""

from __future__ import annotations

import asyncio
import dataclasses
from array import array
from collections.abc import AsyncIterable, Iterable, Sequence
from datetime import datetime
from pathlib import Path

from core import figures, progress, renames
from core.export.base import ExportInput
from core.export.records import Audience, Compilation, Record, Scope, in_scope, questions, record
from core.export.spool import OFFSETS, Spool, Spooled
from core.session import Session, Status
from questionnaire.model import Questionnaire

BATCH = 200  # sessions compiled per worker-thread job by `compile_stream`
SPOOL_FILE = "records.pickles"
Kept = Record | tuple[int, int]  # a record, or where it is in the spool (offset, length)


class Compiling:
    """Takes sessions in any order; `finish` gives what `consult export` writes."""

    def __init__(self, q: Questionnaire, audience: Audience, scope: Scope, now: datetime,
                 spool_in: Path | None = None) -> None:
        self._q, self._audience, self._scope, self._now = q, audience, scope, now
        self._spool = Spool(spool_in / SPOOL_FILE) if spool_in is not None else None
        # Everyone ever started is numbered, withdrawn and unfinished too, so that "Respondent 12" in a
        # document published in July is still Respondent 12 in September.
        self._everyone: list[tuple[datetime, str]] = []
        self._chosen: list[tuple[tuple[datetime, str], Kept, list[tuple[str, str]]]] = []
        self._sums = figures.Sums()
        self._started = 0

    def add(self, session: Session) -> None:
        """Compile one respondent; the session itself is not kept."""
        s = renames.migrate(self._q, session)  # answers given under an option's old name
        key = (s.started_at or self._now, s.respondent_id)
        self._everyone.append(key)
        self._started += s.status in (Status.IN_PROGRESS, Status.SUBMITTED)
        if s.status is Status.WITHDRAWN or in_scope(s, self._scope):
            self._sums.add(figures.standing(self._q, s))
        if in_scope(s, self._scope):
            removed = [(item_id, answer.text) for item_id, answer in s.counted.items() if not self._q.has(item_id)]
            compiled = record(self._q, s, 0, self._audience)
            self._chosen.append((key, self._spool.add(compiled) if self._spool is not None else compiled, removed))

    def add_all(self, sessions: Iterable[Session]) -> None:
        """Compile each session in turn."""
        for session in sessions:
            self.add(session)

    def finish(self) -> ExportInput:
        """The numbered records and the figures of the respondents the status chose."""
        numbers = {key: n for n, key in enumerate(sorted(self._everyone), start=1)}
        self._chosen.sort(key=lambda chosen: numbers[chosen[0]])
        records = self._numbered(numbers)
        removed = [pair for _, _, pairs in self._chosen for pair in pairs]
        compilation = Compilation(self._q, self._audience, self._scope, self._now,
                                  questions(self._q, removed), records)
        report = progress.from_figures(self._q, self._sums.figures(), self._now,
                                       public=self._audience is Audience.PUBLIC, drafts=self._scope is Scope.ALL)
        return ExportInput(compilation, report, left_out=self._started - len(records))

    def _numbered(self, numbers: dict[tuple[datetime, str], int]) -> Sequence[Record]:
        if self._spool is None:
            return [dataclasses.replace(r, number=numbers[key]) for key, r, _ in self._chosen
                    if isinstance(r, Record)]
        offsets, lengths, numbered = array(OFFSETS), array(OFFSETS), array(OFFSETS)
        for key, where, _ in self._chosen:  # in number order already
            if isinstance(where, tuple):
                offsets.append(where[0])
                lengths.append(where[1])
                numbered.append(numbers[key])
        return NumberedRecords(self._spool, offsets, lengths, numbered)


class NumberedRecords(Spooled[Record]):
    """Spooled records with the respondent numbers known only once all were read, in number order."""

    def __init__(self, spool: Spool, offsets: array[int], lengths: array[int], numbers: array[int]) -> None:
        super().__init__(spool, offsets, lengths)
        self._numbers = numbers

    def _item(self, loaded: Record, position: int) -> Record:
        return dataclasses.replace(loaded, number=self._numbers[position])


def compile_all(q: Questionnaire, sessions: Iterable[Session], audience: Audience, scope: Scope, now: datetime,
                spool_in: Path | None = None) -> ExportInput:
    """The records and the figures of these sessions (the records spooled into `spool_in` when given)."""
    compiling = Compiling(q, audience, scope, now, spool_in)
    compiling.add_all(sessions)
    return compiling.finish()


async def compile_stream(q: Questionnaire, sessions: AsyncIterable[Session], audience: Audience, scope: Scope,
                         now: datetime, spool_in: Path | None = None) -> ExportInput:
    """The same from a repository's stream, compiled in a worker thread a batch at a time (the bots go on)."""
    compiling = Compiling(q, audience, scope, now, spool_in)
    batch: list[Session] = []
    async for session in sessions:
        batch.append(session)
        if len(batch) >= BATCH:
            await asyncio.to_thread(compiling.add_all, batch)
            batch = []
    await asyncio.to_thread(compiling.add_all, batch)
    return await asyncio.to_thread(compiling.finish)
