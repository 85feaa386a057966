"""The JSON export: every compiled field, for scripts and archives, written one respondent at a time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.export.base import ExportInput
from core.export.naming import CONFIDENTIAL, RESPONSES_JSON, file_name
from core.export.records import Compilation, Record
from core.session import Answer

# Bump when a field changes meaning or goes away; adding a field keeps the version.
SCHEMA_VERSION = 1


def write(data: ExportInput, folder: Path) -> list[Path]:
    """Write responses.json; the answer history only for the internal audience."""
    c = data.compilation
    path = folder / file_name(c, RESPONSES_JSON)
    head = json.dumps(_head(c), ensure_ascii=False, indent=1)
    with path.open("w", encoding="utf-8") as out:
        # Streamed: the whole document never sits in memory at once.
        out.write(head[:-2] + ',\n "respondents": [')
        for index, record in enumerate(c.records):
            out.write(("," if index else "") + "\n  " + json.dumps(_record(record), ensure_ascii=False))
        out.write("\n ]\n}\n")
    return [path]


def _head(c: Compilation) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "classification": CONFIDENTIAL if c.confidential else "Public",
        "audience": c.audience.value,
        "scope": c.scope.value,
        "generated_at": c.generated_at.isoformat(),
        "questionnaire": {"id": c.questionnaire.id, "title": c.questionnaire.title},
        "questions": [
            {"id": q.id, "header": q.header, "text": q.text, "kind": q.kind.value, "removed": q.item is None}
            for q in c.questions
        ],
        "consent_rule": c.rule.value,
        "respondent_count": len(c.records),
        "not_shown_count": c.not_shown,
    }


def _record(r: Record) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "number": r.number,
        "label": r.label,
        "front_end": r.channel,
        "status": r.status.value,
        "started_at": _iso(r.started_at),
        "submitted_at": _iso(r.submitted_at),
        "consent": r.consent,
        "may_cite": r.may_cite,
        "answers_shown": r.shown,
        "identity": r.identity,  # countries by name; their codes below
        "country_codes": r.country_codes,
        "category": r.category,
        "subcategories": r.subcategories,
        "answers": {key: _answer(a) for key, a in r.shown_answers.items()},
    }
    if r.respondent_id is not None:
        fields["consent_changed"] = r.consent_change
        fields["respondent_id"] = r.respondent_id
        fields["invite"] = r.invite
        fields["invited"] = r.invited.model_dump() if r.invited is not None else None
        fields["same_organisation"] = r.organisation_note
        fields["history"] = [
            {"submitted_at": s.at.isoformat(), "answers": {k: _answer(a) for k, a in s.answers.items()}}
            for s in r.history
        ]
        fields["set_aside"] = {
            key: {**_answer(a.answer), "set_aside_at": _iso(a.at), "why": a.why} for key, a in r.set_aside.items()
        }
    return fields


def _answer(a: Answer) -> dict[str, Any]:
    return {"value": a.value, "answered_at": a.at.isoformat(), "question_text": a.text}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
