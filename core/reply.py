"""What the engine says back: transport-neutral, so every front end renders the same reply."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from core.session import Status


class Expects(StrEnum):
    """The kind of answer the respondent should send next."""

    CHOICE = "choice"  # one option
    CHOICES = "choices"  # several options
    TEXT = "text"  # a short text
    LONG_TEXT = "long_text"  # a long text over one or more messages, ended by "done"
    CONFIRM = "confirm"  # yes or no to a restart or withdraw
    SUBMIT = "submit"  # the review: submit, or edit N
    NOTHING = "nothing"  # submitted or closed: nothing is asked


class Progress(BaseModel):
    """Question `index` of `total` (1-based; index 0 when no question is being asked)."""

    index: int
    total: int
    answered: int
    skipped: int = 0


class Prompt(BaseModel):
    """The question being asked, with what a front end needs to draw it."""

    item_id: str | None
    text: str
    help: str | None = None
    options: list[str] = Field(default_factory=list)
    selected: list[int] = Field(default_factory=list)
    expects: Expects
    # Characters collected so far in an unfinished long answer.
    draft_chars: int | None = None
    # The current answer, shown when the respondent comes back to an answered question.
    current: str | None = None
    # The invitation's value for this question, offered to confirm with 'keep' (nothing answered yet).
    offered: str | None = None
    commands: list[str] = Field(default_factory=list)
    # What to send next, in plain words (front ends with buttons may show those instead).
    hint: str = ""
    # The hint's sentences: what the question expects first, then one for each command (keep, add, skip).
    hints: list[str] = Field(default_factory=list)
    # The contact field being asked (0-based), for a group of fields.
    field: int | None = None
    # "Did you mean ...?" on a country field: the ISO codes the `options` name, in the same order.
    suggested: list[str] = Field(default_factory=list)
    # The action a yes/no question confirms ("restart" or "withdraw").
    confirms: str | None = None


class Reply(BaseModel):
    """One turn of the conversation."""

    messages: list[str] = Field(default_factory=list)
    prompt: Prompt | None = None
    # True when the prompt is a new question to show in full; False when it is unchanged and
    # only the messages (an error, say) are new.
    ask: bool = True
    progress: Progress | None = None
    status: Status
    # The input repeats one already processed (same inbound id): nothing changed.
    duplicate: bool = False
    # True when the respondent has just submitted (front ends may send a copy of the answers).
    submitted: bool = False
    # False when the input could not be stored: nothing changed, and the messages ask to send it again.
    saved: bool = True
    # The language the texts are in (core.i18n.LANGUAGES), for the words a front end adds (buttons, hints).
    language: str = "en"
    # True when the reply offers the choice of language (front ends with buttons show one per language).
    languages: bool = False

    @property
    def text(self) -> str:
        """The whole reply as plain text: messages, then the question when it is new."""
        parts = list(self.messages)
        if self.prompt is not None and self.ask:
            parts.append(self.prompt.text)
        return "\n\n".join(part for part in parts if part)
