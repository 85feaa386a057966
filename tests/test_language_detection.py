"""The respondent's language from the platform: Telegram's language_code, Slack's locale (users.info, asked once)."""

from __future__ import annotations

from pathlib import Path

from core.i18n import translator
from core.render import QUESTION_OF
from tests.test_cli import consult, replies
from tests.test_slack_e2e import workspace
from tests.test_telegram_e2e import running


def question(lang: str, number: int) -> str:
    """'Question 2 of', as a respondent reading `lang` sees it."""
    return translator(lang).gettext(QUESTION_OF).split("{total}")[0].format(number=number).strip()


def language_word(lang: str) -> str:
    """The command word 'language' in `lang`: the language menu says to send it with a code ('idioma es')."""
    return translator(lang).pgettext("command", "language")


async def test_telegram_takes_the_apps_language_and_has_a_menu_in_each(tmp_path: Path) -> None:
    async with running(tmp_path) as world:
        api = world.api
        assert [c["command"] for c in api.commands(language_code="fr")][-1] == "language"
        user = api.user(7, "Rosa", language_code="es-419")
        mark = api.mark()
        await user.say("/start")
        await api.wait_for(lambda call: call.chat_id == 7 and question("es", 1) in (call.text or ""), since=mark)
        session = await world.app.service.session("telegram:7")
        assert session is not None and session.language == "es"
        mark = api.mark()
        await user.say("/language")
        menu = f"{language_word('es')} "
        shown = await api.wait_for(lambda call: call.chat_id == 7 and menu in (call.text or ""), since=mark)
        assert "Français" in str(shown.reply_markup)


async def test_slack_asks_the_locale_once_and_keeps_it(tmp_path: Path) -> None:
    async with workspace(tmp_path) as slack:
        slack.api.locales["U0ANA"] = "ru-RU"
        ana = slack.user("U0ANA")
        await ana.say("hello", expect=question("ru", 1))
        await ana.say("yes", expect=question("ru", 2))
        asked = slack.api.called("users.info")
        assert len(asked) == 1 and str(asked[0].args.get("include_locale")).lower() in ("true", "1")
        session = await ana.session()
        assert session is not None and session.language == "ru"
        await ana.say("language", expect=f"{language_word('ru')} ")
        assert ana.last_buttons() == ["English", "Français", "Español", "العربية", "中文", "Русский"]
        await ana.press("Français", expect="")
        after = await ana.session()
        assert after is not None and after.language == "fr" and after.answers == session.answers


def test_the_terminal_speaks_the_language_of_lang_or_of_language(tmp_path: Path) -> None:
    first = replies(consult(tmp_path, "chat", "--as", "ana", "--jsonl", env={"LANG": "ru_RU.UTF-8"}).stdout)
    assert first[0]["language"] == "ru"
    chosen = replies(consult(tmp_path, "chat", "--as", "ben", "--jsonl", "--language", "ar",
                             env={"LC_ALL": "fr_FR.UTF-8"}).stdout)
    assert chosen[0]["language"] == "ar"
    unknown = replies(consult(tmp_path, "chat", "--as", "eva", "--jsonl", env={"LANG": "pt_BR.UTF-8"}).stdout)
    assert unknown[0]["language"] == "en"  # the questionnaire's own
