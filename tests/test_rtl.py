"""Arabic in chat: lines read right to left as a whole, with Latin words, numbers and lists in their places.

Checked with a real implementation of the Unicode Bidi Algorithm (python-bidi, the Rust crate unicode-bidi):
what a screen shows is the visual order it computes.
"""

from __future__ import annotations

import gettext

from bidi import get_display

from bots.console import render as console
from core.chat import present
from core.i18n import Catalogue
from core.i18n.bidi import FSI, PDI, RLM, isolate_placeholders, rtl_lines
from core.inputs import parse_text
from core.service import ConsultService
from questionnaire.loader import load
from storage.memory import MemoryRepository
from tests.support.chat import Clock, Respondent

# The bundled questionnaire without its translations: Arabic messages around English questions, the
# hardest case for the direction of a line (a questionnaire not translated yet, or a typed answer).
Q = load().model_copy(update={"translations": {}})
Q = Q.model_copy(update={"items": tuple(item.model_copy(update={"translations": {}}) for item in Q.items)})
ARABIC = {
    "Question {number} of {total}": "السؤال {number} من {total}",
    "{field} ({index} of {count})": "{field} ({index} من {count})",
    "Your answer: {answer}": "إجابتك: {answer}",
    "Reply with the number of your choice.": "أرسل رقم اختيارك.",
    "'{field}' is needed, so it cannot be skipped.": "'{field}' مطلوب، فلا يمكن تخطيه.",
}


class _Arabic(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return ARABIC.get(message, message)


def arabic(_: str | None) -> Catalogue:
    return Catalogue("ar", _Arabic())


def shown(text: str) -> str:
    """What a screen shows of one line, left to right, without the invisible marks."""
    return "".join(ch for ch in get_display(text) if ch not in (FSI, PDI, RLM))


def test_a_latin_value_keeps_its_punctuation_inside_an_arabic_sentence() -> None:
    answer = isolate_placeholders("إجابتك: {answer}").format(answer="Ana (UN) 3.")
    assert shown(answer) == "Ana (UN) 3. :" + shown("إجابتك")  # the value as typed, on the right: read first
    # Without the isolate the algorithm takes the value's full stop for the sentence's: what the marks are for.
    assert "Ana (UN) 3." not in shown("إجابتك: {answer}".format(answer="Ana (UN) 3."))
    sentence = isolate_placeholders("'{field}' مطلوب، فلا يمكن تخطيه.").format(field="E-mail (work)")
    assert shown(sentence).startswith(".") and shown(sentence).endswith("'E-mail (work)'")  # right to left
    assert shown("'{field}' مطلوب، فلا يمكن تخطيه.".format(field="E-mail (work)")).endswith(".")


def test_a_line_beginning_with_a_number_or_latin_word_is_right_to_left() -> None:
    line = rtl_lines("E-mail (2 من 4)")
    assert line.startswith(RLM)
    assert shown(line).endswith("E-mail")  # the first word is on the right, where an Arabic reader starts
    assert not shown("E-mail (2 من 4)").endswith("E-mail")
    assert rtl_lines("Which category?") == "Which category?"  # an untranslated line stays left to right
    assert rtl_lines("السؤال 3 من 17") == "السؤال 3 من 17"  # no mark where none is needed


async def test_an_arabic_walk_reads_right_to_left_on_every_front_end() -> None:
    ana = Respondent(ConsultService(Q, MemoryRepository(), Clock(), translations=arabic))
    await ana.send(parse_text("hello"))
    reply = await ana.say("yes")
    heading, text, field = reply.prompt.text.split("\n") if reply.prompt else ("", "", "")
    assert shown(heading).startswith("15") and shown(heading).endswith(shown("السؤال"))  # "Question 2 of 15"
    assert text == "Please enter your contact details:"  # not translated: left to right, untouched
    assert shown(field).endswith("Your name")  # isolated: the Arabic around it makes the line right to left
    view = present.view(Q, reply, arabic("ar"))
    assert view.parts[-1].heading is not None and "السؤال" in view.parts[-1].heading
    terminal = console.plain(reply, arabic("ar")).split("\n")
    assert terminal[2] == field
    await ana.says("Ana (UN)", "Open Net", "Kenya", "ana@example.org")
    back = await ana.say("edit 2")
    line = next(x for x in console.plain(back, arabic("ar")).split("\n") if "Ana (UN)" in x)
    assert shown(line).startswith("Ana (UN)") and line.startswith("إجابتك")  # the answer, brackets intact
