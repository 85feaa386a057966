"""`consult invite` as a secretariat uses it: real processes, real files, every bad row named by its line."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import segno
from openpyxl import Workbook

from core.invitations.rows import FORMULA_STARTS
from storage.invitations.files import FileInvitations, invitations_path
from tests.support.telegram_api import BOT_USERNAME, BotApiStandIn
from tests.test_cli import consult, replies

HEADER = "organisation,category,sub-category,name,e-mail,language\n"
GOOD = "Civil Society Forum,Non-Government,Civil society,Ana,ana@example.org,pt\nMinistry of ICT,government,,,,\n"
BAD = (
    ",Government,,Bo,bo@example.org,\n"  # line 4: no organisation
    '"=HYPERLINK(""http://x"")",,,,,\n'  # line 5: a formula
    "Bad Mail Org,,,Cy,not-an-email,\n"  # line 6
    "Civil Society Forum,,,Ana,ANA@example.org,\n"  # line 7: line 2 again
    "Acme,Corporate,,,,\n"  # line 8: unknown category
)
LATIN1 = "Café Org,,,,,\n".encode("latin-1")  # line 9: not UTF-8


def invitee_file(folder: Path, body: bytes) -> Path:
    path = folder / "invitees.csv"
    path.write_bytes(body)
    return path


def stored(folder: Path) -> list[str]:
    """The organisations invited, as the file beside the database holds them."""
    path = invitations_path(folder / "data" / "consult.json")
    data = json.loads(path.read_text()) if path.exists() else {"invitations": {}}
    return [doc["organisation"] for doc in data["invitations"].values()]


def test_a_file_with_problems_imports_nothing_and_names_each_line(tmp_path: Path) -> None:
    invitee_file(tmp_path, (HEADER + GOOD + BAD).encode() + LATIN1)
    done = consult(tmp_path, "invite", "import", "invitees.csv")
    assert done.returncode == 1
    err = done.stderr
    assert "Nothing was imported: 6 line(s) have problems." in err
    assert "line 4: the organisation is missing" in err
    assert "line 5: the organisation starts with '='" in err and "run as a formula; the row was refused" in err
    assert "line 6: 'not-an-email' does not look like an e-mail address" in err
    assert "line 7: the same invitation as line 2" in err
    assert "line 8: the category 'Corporate' is not one of the questionnaire's: Government, Non-Government" in err
    assert "line 9: this line is not UTF-8 text" in err
    assert "--skip-bad to import the 2 good line(s)" in err
    assert stored(tmp_path) == []


def test_skip_bad_imports_the_rest_and_lists_what_it_left_out(tmp_path: Path) -> None:
    invitee_file(tmp_path, (HEADER + GOOD + BAD).encode() + LATIN1)
    done = consult(tmp_path, "invite", "import", "invitees.csv", "--skip-bad")
    assert done.returncode == 0, done.stderr
    assert "Invited 2 organisations." in done.stdout
    assert "Left out 6 line(s)" in done.stderr and "line 9:" in done.stderr
    assert stored(tmp_path) == ["Civil Society Forum", "Ministry of ICT"]
    listed = consult(tmp_path, "invite", "list").stdout
    assert "Non-Government / Civil society" in listed and "Government" in listed  # the questionnaire's spelling


def test_importing_the_same_file_again_invites_nobody_twice(tmp_path: Path) -> None:
    invitee_file(tmp_path, (HEADER + GOOD).encode())
    assert consult(tmp_path, "invite", "import", "invitees.csv").returncode == 0
    again = consult(tmp_path, "invite", "import", "invitees.csv")
    assert again.returncode == 1 and "line 2: already invited (code " in again.stderr
    assert len(stored(tmp_path)) == 2


def test_every_formula_start_is_refused_in_an_excel_file_too(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Organisation", "Name", "E-mail"])
    sheet.append(["Open Net", 42, None])  # a number is text enough for a name
    for start in FORMULA_STARTS[:4]:
        sheet.append([f"{start}1+1", "", ""])
    book.save(tmp_path / "invitees.xlsx")
    done = consult(tmp_path, "invite", "import", "invitees.xlsx")
    assert done.returncode == 1
    for line, start in zip(range(3, 7), FORMULA_STARTS, strict=False):
        assert f"line {line}: the organisation starts with {start!r}" in done.stderr
    assert stored(tmp_path) == []


def test_files_that_cannot_be_read_stop_with_a_clear_message(tmp_path: Path) -> None:
    invitee_file(tmp_path, b"organsation,e-mail\nAcme,a@b.org\n")
    done = consult(tmp_path, "invite", "import", "invitees.csv")
    assert done.returncode == 2 and "Unknown column 'organsation'" in done.stderr
    (tmp_path / "invitees.xlsx").write_text("not a workbook")
    done = consult(tmp_path, "invite", "import", "invitees.xlsx")
    assert done.returncode == 2 and "not an Excel workbook" in done.stderr
    assert stored(tmp_path) == []


def test_a_quote_left_open_does_not_swallow_the_rows_after_it(tmp_path: Path) -> None:
    invitee_file(tmp_path, (HEADER + '"Ministry of ICT,Government,,,,\nOrg B,,,,,\nOrg C,,,,,\n').encode())
    done = consult(tmp_path, "invite", "import", "invitees.csv")
    assert done.returncode == 2 and "line 2: a quote (\") is not closed" in done.stderr
    invitee_file(tmp_path, (HEADER + '"Ministry of ICT\nOrg B",,,,,\nOrg C,,,,,\n').encode())
    done = consult(tmp_path, "invite", "import", "invitees.csv", "--skip-bad")
    assert "line 2: this row runs on to line 3" in done.stderr
    assert stored(tmp_path) == ["Org C"]


def test_a_huge_cell_a_utf16_file_and_a_nul_byte_are_named_without_a_traceback(tmp_path: Path) -> None:
    invitee_file(tmp_path, (HEADER + "Org,,,\"" + "x" * 200_000 + "\",,\n").encode())
    done = consult(tmp_path, "invite", "import", "invitees.csv")
    assert done.returncode == 2 and "line 2: a cell is far too long" in done.stderr
    assert "Traceback" not in done.stderr
    invitee_file(tmp_path, (HEADER + "Café Org,,,,,\n").encode("utf-16"))
    done = consult(tmp_path, "invite", "import", "invitees.csv")
    assert done.returncode == 2 and "Save the file as 'CSV UTF-8'" in done.stderr
    invitee_file(tmp_path, (HEADER + "Org\x00,,,,,\nGood Org,,,,,\n").encode())
    done = consult(tmp_path, "invite", "import", "invitees.csv")
    assert done.returncode == 1 and "line 2: this line holds a NUL character" in done.stderr
    assert stored(tmp_path) == []


def test_add_one_then_revoke_it(tmp_path: Path) -> None:
    refused = consult(tmp_path, "invite", "add", "Acme", "--e-mail", "nope")
    assert refused.returncode == 1
    assert "Nothing was added: 'nope' does not look like an e-mail address" in refused.stderr
    added = consult(tmp_path, "invite", "add", "UN  Women", "--category", "Government")
    assert added.returncode == 0, added.stderr
    code = added.stdout.split("Code: ")[1].strip()
    revoked = consult(tmp_path, "invite", "revoke", code)
    assert "Revoked the invitation of UN Women" in revoked.stdout
    assert "revoked" in consult(tmp_path, "invite", "list").stdout
    unknown = consult(tmp_path, "invite", "revoke", "NoSuchCode")
    assert unknown.returncode == 1 and "There is no invitation with the code 'NoSuchCode'" in unknown.stderr


def test_links_for_each_open_invitation_and_one_mail_merge_file(tmp_path: Path) -> None:
    invitee_file(tmp_path, (HEADER + GOOD).encode())
    consult(tmp_path, "invite", "import", "invitees.csv")
    gone = consult(tmp_path, "invite", "add", "Gone Org").stdout.split("Code: ")[1].strip()
    consult(tmp_path, "invite", "revoke", gone)
    env = {"TELEGRAM_BOT_USERNAME": "@wgec_bot", "SLACK_APP_LINK": "https://slack.com/app_redirect?app=A01"}
    done = consult(tmp_path, "invite", "links", "--out", "links", env=env)
    assert done.returncode == 0, done.stderr
    with (tmp_path / "links" / "invitations.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["organisation"] for row in rows] == ["Civil Society Forum", "Ministry of ICT"]  # not the revoked
    ana = rows[0]
    code = ana["code"]
    assert ana["telegram link"] == f"https://t.me/wgec_bot?start={code}"
    assert ana["slack link"] == "https://slack.com/app_redirect?app=A01"
    assert ana["slack command"] == f"/consult start {code}"
    assert ana["terminal command"] == f"consult chat --invite {code}"
    png = (tmp_path / "links" / ana["qr code file"]).read_bytes()
    expected = io.BytesIO()
    segno.make(ana["telegram link"], error="m").save(expected, kind="png", scale=8, border=4)
    assert png.startswith(b"\x89PNG") and png == expected.getvalue()  # the QR code holds the Telegram link
    assert f"Terminal: consult chat --invite {code}" in (tmp_path / "links" / f"{code}.txt").read_text()


async def test_links_ask_the_bot_api_for_the_bot_name(tmp_path: Path) -> None:
    consult(tmp_path, "invite", "add", "Acme")
    async with BotApiStandIn("123456:TEST-TOKEN") as api:
        env = {"TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN", "TELEGRAM_API_BASE_URL": f"{api.url}/bot"}
        # The stand-in answers on this event loop while the command runs in a thread.
        done = await asyncio.to_thread(consult, tmp_path, "invite", "links", "--out", "links", env=env)
    assert done.returncode == 0, done.stderr
    with (tmp_path / "links" / "invitations.csv").open(encoding="utf-8-sig") as handle:
        link = next(csv.DictReader(handle))["telegram link"]
    assert link.startswith(f"https://t.me/{BOT_USERNAME}?start=")


def test_terminal_invitation_end_to_end(tmp_path: Path) -> None:
    invitee_file(tmp_path, (HEADER + GOOD).encode())
    consult(tmp_path, "invite", "import", "invitees.csv")
    with (tmp_path / "data" / "consult.invitations.json").open() as handle:
        code = next(iter(json.load(handle)["invitations"].values()))["code"]
    typed = "yes\nAna Silva\nkeep\nKenya\nana@example.org\nkeep\nkeep\n"
    out = replies(consult(tmp_path, "chat", "--as", "ana", "--jsonl", "--invite", code, stdin=typed).stdout)
    assert "Your invitation is for Civil Society Forum." in out[0]["text"]
    assert "Your invitation says: Civil Society Forum." in out[2]["text"]
    assert "Your invitation says: Non-Government." in out[5]["text"]
    assert out[-1]["question_id"] == "q1_status"  # organisation, category and sub-category confirmed
    unknown = replies(consult(tmp_path, "chat", "--as", "bo", "--jsonl", "--invite", "NoSuchCode").stdout)
    assert "We do not know that invitation code" in unknown[0]["text"]
    assert unknown[0]["question_id"] == "consent"


async def test_the_running_bot_sees_a_code_added_by_another_process(tmp_path: Path) -> None:
    store = FileInvitations(invitations_path(tmp_path / "data" / "consult.json"))
    assert await store.all() == []
    code = consult(tmp_path, "invite", "add", "Acme").stdout.split("Code: ")[1].strip()
    found = await store.get(code)
    assert found is not None and found.organisation == "Acme"
