"""Every question's answers grouped by stakeholder, in one pass over the records, for the compilations by question.

The Word and Markdown compilations show each question's answers group by group, and list the groups
with their counts in their contents before any answer. Grouping one question at a time would read
every record once per question (some twenty passes over a spooled export). Here the records are read
once: the counts stay in memory (a few numbers per group), and the answers shown are filed on a shelf
beside the records' spool (core/export/spool.py), read back one group at a time as the pages are
written. The result is kept on the compilation (`Compilation.by_question`), so both files share it.
Only what a record carries is filed: the attribution and the answer text it would show anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.export.grouping import Group, Grouping
from core.export.outline import ChoiceCount, ChoiceTable, Entry, Omitted, by_question, is_choice
from core.export.records import Compilation
from core.export.spool import Shelf, folder_of

SHELF_FILE = "answers-by-question.pickles"


@dataclass(frozen=True)
class Grouped:
    """One entry of the compilation by question, with its groups (and, for a choice question, its table)."""

    entry: Entry
    groups: list[Group]  # none for an omitted entry
    table: ChoiceTable | None = None  # choice questions only


def group_every_question(c: Compilation) -> list[Grouped]:
    """The entries of the compilation by question, each with its groups, from one pass over the records."""
    entries = by_question(c)
    shelf: Shelf[tuple[str, str]] = Shelf(folder_of(c.records), SHELF_FILE)
    groupings = {e.id: Grouping(c, e, shelf) for e in entries if not isinstance(e, Omitted)}
    counts = {e.id: ChoiceCount(e) for e in entries if not isinstance(e, Omitted) and is_choice(e)}
    for record in c.records:
        for grouping in groupings.values():
            grouping.add(record)
        for count in counts.values():
            count.add(record)
    return [_grouped(entry, groupings, counts) for entry in entries]


def _grouped(entry: Entry, groupings: dict[str, Grouping], counts: dict[str, ChoiceCount]) -> Grouped:
    if isinstance(entry, Omitted):
        return Grouped(entry, [])
    groups = groupings[entry.id].groups()
    count = counts.get(entry.id)
    return Grouped(entry, groups, count.table(groups) if count is not None else None)
