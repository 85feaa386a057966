"""The preview of reminders due now, in words: `consult remind --dry-run` prints it, admins' /remind sends it."""

from __future__ import annotations

from core.i18n import N_, Translator, translator
from core.reminders.loop import Preview

NONE_DUE = N_("No reminder is due now.")
NO_RULES = N_("This questionnaire has no [[reminders]] rules, so no reminder is ever sent.")


def preview_text(previews: list[Preview], *, most: int | None = None, t: Translator | None = None) -> str:
    """One line per reminder due (the first `most`), then the text of the first one as an example."""
    t = t or translator(None)
    if not previews:
        return t.gettext(NONE_DUE)
    lines = [t.ngettext("{count} reminder is due now (sent by the running bot):",
                        "{count} reminders are due now (sent by the running bot, at most one each):",
                        len(previews)).format(count=len(previews))]
    for item in previews[:most]:
        # Translators: after a respondent's id and a reminder rule's name, in the list of reminders due.
        night = " - " + t.gettext("waits for working hours where they are") if item.waits_for_morning else ""
        lines.append(f"{item.respondent_id}: {item.rule}{night}")
    if most is not None and len(previews) > most:
        lines.append(t.gettext("... and {count} more.").format(count=len(previews) - most))
    lines.extend(["", t.gettext("For example, the first one says:"), previews[0].text])
    return "\n".join(lines)
