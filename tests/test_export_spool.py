"""While an export runs, its records wait on disk beside the files (not in memory), and go when it ends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.chat import secretariat
from core.export import json_file, run
from core.export.base import ExportInput
from core.export.by_question import SHELF_FILE
from core.export.compiling import SPOOL_FILE, compile_all
from core.export.grouping import Group, group_answers
from core.export.manifest import MANIFEST, STAGING_PREFIX
from core.export.outline import Omitted, choice_table, is_choice
from core.export.records import Audience, Scope
from core.export.spool import Spooled
from core.session import Session
from storage.memory import MemoryRepository
from tests.support.responses import WGEC
from tests.test_export_stream import NOW, people


def spy_on_json(monkeypatch: pytest.MonkeyPatch) -> list[tuple[ExportInput, list[str]]]:
    """What the JSON writer is handed, and what the records' folder holds while it writes."""
    seen: list[tuple[ExportInput, list[str]]] = []

    def spying(data: ExportInput, folder: Path) -> list[Path]:
        records = data.compilation.records
        aside = sorted(p.name for p in records.folder.iterdir()) if isinstance(records, Spooled) else []
        seen.append((data, aside))
        return json_file.write(data, folder)

    monkeypatch.setitem(run.WRITERS, "json", spying)
    return seen


def in_staging_of(records: Spooled[object], out: Path) -> bool:
    """The records' folder is in the export's staging folder, inside the output folder (the same disk)."""
    staging = records.folder.parent
    return staging.parent == out and staging.name.startswith(STAGING_PREFIX)


def test_consult_export_reads_its_records_from_a_spool_in_the_output_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = spy_on_json(monkeypatch)
    out = tmp_path / "out"
    result = run.export(WGEC, people(), out, formats=["json"], scope=Scope.ALL, now=NOW)
    [(data, aside)] = seen
    records = data.compilation.records
    assert isinstance(records, Spooled) and in_staging_of(records, out)
    assert len(records) == result.respondents == 6
    assert aside == [SPOOL_FILE]
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "responses.json"]  # the spool went with the staging


async def test_the_bots_export_spools_its_records_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = spy_on_json(monkeypatch)
    repository = MemoryRepository()
    for session in people():
        await repository.put(session)
    request = secretariat.parse("export json all")
    assert isinstance(request, secretariat.ExportRequest)
    out = tmp_path / "out"
    files, _ = await secretariat.export_files(WGEC, repository, out, request, NOW)
    [(data, _)] = seen
    assert isinstance(data.compilation.records, Spooled) and in_staging_of(data.compilation.records, out)
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, *(f.name for f in files)])


def test_a_failed_export_leaves_neither_spool_nor_half_written_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(data: ExportInput, folder: Path) -> list[Path]:
        (folder / "responses.csv").write_text("half")
        raise OSError("No space left on device")

    monkeypatch.setitem(run.WRITERS, "csv", disk_full)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OSError, match="No space"):
        run.export(WGEC, people(), out, formats=["json", "csv"], now=NOW)
    assert list(out.iterdir()) == []


def spool_folder(tmp_path: Path, name: str) -> Path:
    """A folder for one compilation's spool, as the staging folder gives it."""
    (tmp_path / name).mkdir()
    return tmp_path / name


def test_spooled_records_read_back_as_the_list_holds_them(tmp_path: Path) -> None:
    for audience in Audience:
        held = compile_all(WGEC, people(), audience, Scope.ALL, NOW).compilation
        folder = spool_folder(tmp_path, audience)
        spooled = compile_all(WGEC, people(), audience, Scope.ALL, NOW, spool_in=folder).compilation
        assert isinstance(spooled.records, Spooled) and isinstance(held.records, list)
        assert list(spooled.records) == held.records  # numbered in the order people started
        assert (len(spooled.records), bool(spooled.records)) == (6, True)
        assert (spooled.records[0], spooled.records[-1]) == (held.records[0], held.records[-1])
        assert spooled.records[2:4] == held.records[2:4]
        with pytest.raises(IndexError):
            spooled.records[6]
        assert (spooled.questions, spooled.not_shown) == (held.questions, held.not_shown)


def test_nobody_in_scope_spools_nothing_and_reads_as_empty(tmp_path: Path) -> None:
    drafts_only = [s for s in people() if s.submitted is None]
    compiled = compile_all(WGEC, drafts_only, Audience.PUBLIC, Scope.SUBMITTED, NOW, spool_in=tmp_path)
    records = compiled.compilation.records
    assert (len(records), bool(records), list(records)) == (0, False, [])


def shown(groups: list[Group]) -> list[tuple[str, list[tuple[str, str]], int, int, int]]:
    return [(g.name, list(g.answers), g.no_answer, g.not_shown, g.not_reached) for g in groups]


def test_every_question_grouped_in_one_pass_as_when_grouped_one_at_a_time(tmp_path: Path) -> None:
    for audience in Audience:
        c = compile_all(WGEC, people(), audience, Scope.ALL, NOW, spool_in=spool_folder(tmp_path, audience)).compilation
        for grouped in c.by_question:
            if isinstance(grouped.entry, Omitted):
                continue
            one = group_answers(c, grouped.entry)
            assert shown(grouped.groups) == shown(one), grouped.entry.id
            expected = choice_table(c, grouped.entry, one) if is_choice(grouped.entry) else None
            assert grouped.table == expected, grouped.entry.id
        assert any(g.answers for e in c.by_question for g in e.groups)
        assert (tmp_path / audience / SHELF_FILE).stat().st_size > 0  # the answers wait on disk too


def test_a_database_failing_half_way_leaves_no_folder_behind(tmp_path: Path) -> None:
    """The records were being spooled when the database went away: the folder the export made goes too."""
    def sessions_then_a_lost_connection() -> Iterator[Session]:
        yield from people()[:3]
        raise ConnectionError("server closed the connection unexpectedly")

    out = tmp_path / "new" / "out"
    with pytest.raises(ConnectionError):
        run.export(WGEC, sessions_then_a_lost_connection(), out, now=NOW)
    assert list(tmp_path.iterdir()) == []
