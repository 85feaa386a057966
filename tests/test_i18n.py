"""The catalogues: complete, placeholders intact, command words unambiguous; a walk says nothing in English
where the catalogue has a translation; the respondent's language is detected, chosen and kept."""

from __future__ import annotations

import gettext
import re
import string
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bots.console import render as console
from core import progress
from core.announcements import Drafts
from core.chat import present
from core.chat.secretariat import export_usage, progress_text
from core.export.options import FORMATS
from core.i18n import LANGUAGES, NATIVE_NAMES, Catalogue, build, supported, translator
from core.i18n.build import TEMPLATE, extract, po_path
from core.i18n.commands import command_words, elsewhere, localized
from core.inputs import ChooseLanguage, ContinueElsewhere, SendText, parse_text
from core.outbound import Senders
from core.reminders import text as reminder_text
from core.reply import Reply
from core.service import ConsultService
from core.text import shorten
from questionnaire.loader import load
from questionnaire.model import COMMAND_WORDS, Questionnaire
from storage.memory import MemoryRepository
from storage.moves import InProcessMoves, MemoryBook
from tests.support.chat import T0, Clock, Respondent, make_service
from tests.test_cli import WALK

Q = load()


def catalogue(lang: str):  # type: ignore[no-untyped-def]
    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def placeholders(text: str) -> set[str]:
    """The named placeholders of a message: {number}, {app}..."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_template_holds_every_message_of_the_code() -> None:
    with TEMPLATE.open("rb") as f:
        template = read_po(f)
    fresh = extract()
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in fresh if m.id} == {
        m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id
    }, "run: python -m core.i18n.build"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_lists_every_message(lang: str) -> None:
    with TEMPLATE.open("rb") as f:
        wanted = {(m.context, str(m.id)) for m in read_po(f) if m.id}
    po = catalogue(lang)
    assert {(m.context, str(m.id)) for m in po if m.id} == wanted  # translated, or listed as pending (msgstr "")
    pending = [m for m in po if m.id and not any(m.string if isinstance(m.string, tuple) else [m.string])]
    assert lang != "en" or not pending, "English says every msgid as it is"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang: str) -> None:
    for message in catalogue(lang):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set().union(*(placeholders(i) for i in ids))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in filter(None, strings):
            # A plural form may leave out the count ("one day" for {days}), never add or rename a name.
            said = placeholders(text)
            assert said <= wanted and (said == wanted or len(strings) > 1), (lang, message.id, text)


def test_a_renamed_placeholder_is_caught() -> None:
    assert placeholders("Question {numero} de {total}") != placeholders("Question {number} of {total}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_command_words_are_unique_and_do_not_collide(lang: str) -> None:
    words = command_words(translator(lang))
    mine = [w.casefold() for w in words.values()]
    assert len(set(mine)) == len(mine), f"{lang}: two commands share a word"
    for english, word in words.items():
        # A translated word may be the English word of the same command, never of another one.
        assert word.casefold() not in set(words) - {english}, (lang, english, word)
        assert word.strip() == word and word, (lang, english)


def test_the_english_command_words_stay_the_options_check() -> None:
    assert set(command_words(translator("en"))) >= COMMAND_WORDS


def test_locales_map_to_our_languages() -> None:
    assert [supported(x) for x in ("pt-BR", "fr-CA", "zh-Hans", "zh_CN", "ar", "en_US.UTF-8", "C.UTF-8", None)] == [
        None, "fr", "zh", "zh", "ar", "en", None, None]


# A pseudo-language: every message of the catalogue comes back wrapped, so a text that escapes the
# catalogue shows as plain English in the walk.
class Pseudo:
    language = "en"

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟦{singular if n == 1 else plural}⟧"

    def pgettext(self, context: str, message: str) -> str:
        return message  # command words are typed, not shown


def _questionnaire_texts(q: Questionnaire) -> list[str]:
    texts = [q.title, q.introduction.strip(), q.closing.strip()]
    for item in q.items:
        texts += [item.text, shorten(item.text, 80), shorten(item.text, 60), *(item.choices),
                  *(f.label for f in item.fields)]
        texts += [item.help] if item.help else []
    texts += [f"{code} - {name}" for code, name in NATIVE_NAMES.items()] + list(NATIVE_NAMES.values())
    return sorted(texts, key=len, reverse=True)


def _english_left(shown: str, q: Questionnaire, typed: list[str]) -> str:
    """What remains of a reply once the catalogue's wrapped messages, the file's texts and the typed ones are out."""
    while (inner := re.sub(r"⟦[^⟦⟧]*⟧", " ", shown)) != shown:
        shown = inner
    for text in [*_questionnaire_texts(q), *sorted(typed, key=len, reverse=True)]:
        shown = shown.replace(text, " ")
    return " ".join(re.findall(r"[A-Za-z]{2,}", shown))


async def test_no_message_escapes_the_catalogue_in_a_whole_walk() -> None:
    pseudo = Pseudo()
    service = ConsultService(Q, MemoryRepository(), Clock(), translations=lambda _: pseudo)
    ana = Respondent(service)
    steps = ["hello", "language", "language xx", "help", "status", *WALK[:-1], "review", "show 6", "edit 99",
             "back", "restart", "no", "submit", "submit", "status", "withdraw", "yes", "start"]
    for said in steps:
        reply = await ana.say(said)
        for shown in _shown(reply, pseudo):
            left = _english_left(shown, Q, steps)
            assert not left, f"after {said!r}: {left!r} in {shown!r}"


async def test_the_secretariats_chat_messages_come_from_the_catalogue() -> None:
    pseudo = Pseudo()
    service = make_service(Q)
    ana = Respondent(service)
    await ana.says("hello", "yes", "Ana")
    report = progress.report(Q, [await ana.session()], service.now())
    text = progress_text(report, pseudo)
    assert not _english_left(text, Q, ["wgec2013", "in_progress", "test"]), text
    drafts = Drafts()
    for words in ("", "everyone", "everyone Hello"):
        shown = await drafts.preview("admin", words, service.repository.each(), Senders([]), pseudo)
        assert not _english_left(shown, Q, ["everyone", "Hello", "nobody"]), shown
    assert not _english_left(export_usage(pseudo), Q, list(FORMATS))


async def test_moving_between_apps_says_everything_through_the_catalogue() -> None:
    pseudo = Pseudo()
    repository = MemoryRepository()
    service = ConsultService(Q, repository, Clock(), moves=InProcessMoves(repository, MemoryBook()),
                             translations=lambda _: pseudo)
    ana, ben = Respondent(service, "ana", "telegram"), Respondent(service, "ana", "slack")
    await ana.says("hello", "yes")
    given = await ana.say("continue elsewhere")
    code = re.search(r"move-\S+", given.text)
    assert code is not None
    said = [given, await ben.say("resume move-wrong"), await ben.say(f"resume {code.group(0)}"),
            await ana.say("hello"), await ben.say(f"resume {code.group(0)}")]
    assert "⟦Your answers have moved here from" in said[2].text and "⟦Your answers are in" in said[3].text
    for reply in said:
        for shown in _shown(reply, pseudo):
            left = _english_left(shown, Q, ["move-wrong", code.group(0)])
            assert not left, f"{left!r} in {shown!r}"


async def test_a_reminder_says_everything_through_the_catalogue() -> None:
    pseudo = Pseudo()
    ana = Respondent(make_service(Q))
    await ana.says("hello", "yes")
    session = await ana.session()
    closing = Q.model_copy(update={"closes": T0 + timedelta(days=3)})
    reminder = reminder_text.reminder(closing, session, T0, lambda _: pseudo)
    assert "⟦A reminder:" in reminder.text
    for shown in _shown(reminder, pseudo):
        assert not _english_left(shown, Q, []), shown


def _shown(reply: Reply, pseudo: Pseudo) -> list[str]:
    """The reply as the terminal and the chat apps show it (buttons included)."""
    view = present.view(Q, reply, pseudo)
    buttons = [b.label for b in (*view.options, *view.commands)]
    return [console.plain(reply, pseudo), *(part.text for part in view.parts), *(p.heading or "" for p in view.parts),
            *buttons]


async def test_the_platforms_locale_is_the_language_until_the_respondent_chooses() -> None:
    service = make_service(Q)
    reply = await service.handle("test:ana", "test", parse_text("hello"), locale="fr-CA")
    assert reply.language == "fr"
    session = await service.session("test:ana")
    assert session is not None and session.language == "fr"
    reply = await service.handle("test:ana", "test", parse_text("language ru"), locale="fr-CA")
    assert reply.language == "ru" and reply.ask
    again = await service.handle("test:ana", "test", parse_text("status"), locale="fr-CA")
    assert again.language == "ru"  # a choice outlives the platform's locale


async def test_an_unknown_locale_falls_back_to_the_questionnaires_language() -> None:
    service = make_service(Q)
    reply = await service.handle("test:ben", "test", parse_text("hello"), locale="pt-BR")
    assert reply.language == Q.language


async def test_changing_language_mid_answer_loses_nothing() -> None:
    service = make_service(Q)
    ana = Respondent(service)
    await ana.says("hello", "yes", "Ana Silva")
    before = await ana.session()
    shown = await ana.say("language")
    assert shown.languages and not shown.ask
    assert [b.label for b in present.view(Q, shown).options] == list(NATIVE_NAMES.values())
    assert present.view(Q, shown).options[1].token == "l:fr"
    chosen = await ana.send(ChooseLanguage("es"))
    after = await ana.session()
    assert after.answers == before.answers and after.cursor == before.cursor and after.field_index == 1
    assert chosen.ask and chosen.prompt is not None and after.language == "es"


async def test_a_language_named_in_words_or_unknown() -> None:
    ana = Respondent(make_service(Q))
    assert (await ana.say("language Français")).language == "fr"
    assert (await ana.say("LANGUAGE arabic")).language == "ar"
    refused = await ana.say("language klingon")
    assert "klingon" in refused.text and refused.language == "ar"


async def test_a_missing_translation_is_said_once() -> None:
    english_only = Q.model_copy(update={"translations": {},
                                        "items": tuple(i.model_copy(update={"translations": {}}) for i in Q.items)})
    ana = Respondent(make_service(english_only))
    first = await ana.send(ChooseLanguage("fr"))
    assert first.messages  # the choice said; nothing shown yet, so nothing to tell
    started = await ana.say("start")
    notice = translator("fr").gettext("Some texts of this questionnaire are not translated into your language yet; "
                                      "they are shown in {language}.").format(language="English")
    assert notice in started.messages
    later = await ana.say("yes")
    assert notice not in later.messages


def test_the_compiled_catalogues_ship_with_the_package() -> None:
    for lang in LANGUAGES:
        assert po_path(lang).with_suffix(".mo").is_file()
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert "locale/*/LC_MESSAGES/*.mo" in pyproject


FRENCH_WORDS = {"back": "retour", "edit": "modifier", "stop reminders": "arrêter rappels",
                "continue elsewhere": "continuer ailleurs"}


class _French(gettext.NullTranslations):
    def pgettext(self, context: str, message: str) -> str:
        return FRENCH_WORDS.get(message, message) if context == "command" else message


def french(_: str | None) -> Catalogue:
    return Catalogue("fr", _French())


async def test_command_words_work_in_english_and_in_the_respondents_language() -> None:
    ana = Respondent(ConsultService(Q, MemoryRepository(), Clock(), translations=french))
    await ana.says("hello", "yes", "Ana", "UN", "Kenya", "ana@example.org")
    assert (await ana.session()).cursor == "q1"
    await ana.say("Retour")  # French, any case
    assert (await ana.session()).cursor == "contact"
    await ana.say("/modifier 3")
    assert (await ana.session()).cursor == "q1"
    await ana.say("back")  # English always works
    assert (await ana.session()).cursor == "contact"
    await ana.say("arrêter  rappels")
    assert (await ana.session()).reminders_off
    assert elsewhere(parse_text("Continuer ailleurs"), french) == ContinueElsewhere()
    assert elsewhere(parse_text("retour"), french) == parse_text("retour")  # only the move is read early


@pytest.mark.parametrize(("lang", "typed", "english"), [
    ("zh", "修改3", "edit 3"),  # no space before a number, as Chinese is written
    ("zh", "修改 3", "edit 3"),
    ("ar", "الغاء", "cancel"),  # typed without its hamza
    ("ar", "إلغاء", "cancel"),
    ("fr", "Retour", "back"),
    ("ru", "ПРОСМОТР", "review"),
])
def test_command_words_are_read_as_people_type_them(lang: str, typed: str, english: str) -> None:
    assert localized(SendText(typed), translator(lang)) == parse_text(english)


def test_building_again_keeps_the_translations(tmp_path: Path) -> None:
    template = extract()
    po = tmp_path / "consult.po"
    french = build.update(template, "fr")
    french.get("Your answers:").string = "Vos réponses :"
    build.write(french, po)
    again = build.update(template, "fr", po)
    assert again.get("Your answers:").string == "Vos réponses :"
    assert len(again) == len(template)


def test_a_new_message_is_left_to_translate_in_every_other_language(tmp_path: Path) -> None:
    template = extract()
    template.add("A sentence no catalogue has yet.", None)
    english = build.update(template, "en", tmp_path / "en.po")
    french = build.update(template, "fr", tmp_path / "fr.po")
    assert english.get("A sentence no catalogue has yet.").string == "A sentence no catalogue has yet."
    assert not french.get("A sentence no catalogue has yet.").string, "English must not pass for French"


async def test_show_gives_a_chosen_option_in_the_respondents_language() -> None:
    ana = Respondent(make_service(Q))
    await ana.send(ChooseLanguage("fr"))
    await ana.say("start")
    await ana.say("oui")
    shown = await ana.say("show 1")
    assert shown.messages[-1].endswith("\n\nOui")


async def test_right_after_the_list_a_language_named_alone_picks_it_and_is_no_answer() -> None:
    ana = Respondent(make_service(Q))
    await ana.say("start")
    await ana.say("yes")
    await ana.say("language")  # the list, at the contact step
    picked = await ana.say("fr")
    assert picked.language == "fr"
    session = await ana.session()
    assert session is not None and "contact" not in session.answers, "'fr' was not taken as a name"
    await ana.say("fr")  # no list on screen now: an answer like any other
    session = await ana.session()
    assert session is not None and session.answers["contact"].value == {"name": "fr"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_help_tells_how_to_choose_another_language_with_the_word_of_that_language(lang: str) -> None:
    from core.render import HELP

    t = translator(lang)
    word = t.pgettext("command", "language")
    assert any(line.startswith(word) for line in t.gettext(HELP).splitlines()), (lang, word)


async def test_the_language_word_in_help_opens_the_list_of_languages() -> None:
    ana = Respondent(ConsultService(Q, MemoryRepository(), Clock()))
    await ana.says("hello", "language", "fr")
    assert (await ana.session()).language == "fr"
    assert "langue - choisir la langue du questionnaire" in (await ana.say("aide")).text
    listed = (await ana.say("langue")).text
    assert all(name in listed for name in NATIVE_NAMES.values())
