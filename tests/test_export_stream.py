"""An export streams the sessions into compact records: the same files, never every session in memory."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

from core import progress
from core.chat import secretariat
from core.export.compiling import compile_stream
from core.export.records import Audience, Scope, compile_responses, in_scope
from core.session import Session, Status
from storage.memory import MemoryRepository
from tests.support.postgres import fresh_schema, open_repository
from tests.support.responses import WGEC, panel, respondent

NOW = datetime(2013, 9, 1, tzinfo=UTC)


def people() -> list[Session]:
    """The panel, someone who withdrew, and an answer to a question since removed from the file."""
    gone = respondent("Ivan Petrov", day=2, submitted=False)
    gone.status, gone.answers = Status.WITHDRAWN, {}  # withdrawing deletes the answers
    return [*panel(), gone, respondent("Olga Ek", day=6, answers={"q_old": "An answer to an old question."})]


async def stream(sessions: list[Session]) -> AsyncIterator[Session]:
    for session in sessions:
        yield session


async def test_sessions_streamed_in_any_order_compile_as_when_listed() -> None:
    listed = people()
    for audience in Audience:
        for scope in Scope:
            data = await compile_stream(WGEC, stream(listed[::-1]), audience, scope, NOW)
            assert data.compilation == compile_responses(WGEC, listed, audience, scope, NOW)
            assert [r.number for r in data.compilation.records] == sorted(r.number for r in data.compilation.records)
            chosen = [s for s in listed if s.status is Status.WITHDRAWN or in_scope(s, scope)]
            assert data.report == progress.report(WGEC, chosen, NOW, public=audience is Audience.PUBLIC,
                                                  drafts=scope is Scope.ALL)
    assert data.compilation.questions[-1].id == "q_old"


class StreamOnly(MemoryRepository):
    """A store too large to list: only its stream may be read."""

    async def all(self) -> list[Session]:
        raise AssertionError("an export must stream the sessions, not list them all")


async def test_the_bots_export_streams_the_sessions(tmp_path: Path) -> None:
    repository = StreamOnly()
    for session in people():
        await repository.put(session)
    request = secretariat.parse("export json")
    assert isinstance(request, secretariat.ExportRequest)
    files, summary = await secretariat.export_files(WGEC, repository, tmp_path / "out", request, NOW)
    assert summary.startswith("5 respondents, public files")
    assert [path.name for path in files] == ["responses.json"]


async def test_an_export_from_postgresql_holds_what_was_stored(tmp_path: Path) -> None:
    async with fresh_schema() as url:
        repository = await open_repository(url)
        try:
            for session in people():
                await repository.put(session)
            request = secretariat.parse("export json internal all")
            assert isinstance(request, secretariat.ExportRequest)
            files, _ = await secretariat.export_files(WGEC, repository, tmp_path / "out", request, NOW)
        finally:
            await repository.close()
    written = json.loads(files[0].read_text(encoding="utf-8"))
    ids = sorted(r["respondent_id"] for r in written["respondents"])
    assert ids == sorted(s.respondent_id for s in people() if s.status is not Status.WITHDRAWN)
