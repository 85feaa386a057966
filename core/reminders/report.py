"""The preview of reminders due now, in words: `consult remind --dry-run` prints it, admins' /remind sends it."""

from __future__ import annotations

from core.reminders.loop import Preview

NONE_DUE = "No reminder is due now."
NO_RULES = "This questionnaire has no [[reminders]] rules, so no reminder is ever sent."


def preview_text(previews: list[Preview], *, most: int | None = None) -> str:
    """One line per reminder due (the first `most`), then the text of the first one as an example."""
    if not previews:
        return NONE_DUE
    lines = [f"{len(previews)} reminders are due now (sent by the running bot, at most one each):"]
    for item in previews[:most]:
        night = " - waits for working hours where they are" if item.waits_for_morning else ""
        lines.append(f"{item.respondent_id}: {item.rule}{night}")
    if most is not None and len(previews) > most:
        lines.append(f"... and {len(previews) - most} more.")
    lines.extend(["", "For example, the first one says:", previews[0].text])
    return "\n".join(lines)
