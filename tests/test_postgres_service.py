"""Several consult processes on one PostgreSQL database: what one respondent sends is never lost."""

from __future__ import annotations

import asyncio

from core.inputs import parse_text
from core.service import ConsultService
from questionnaire import loader
from tests.support.chat import Respondent
from tests.support.postgres import fresh_schema, open_repository

# Hello, consent, contact details, category: then question 2, a long answer, takes messages one by one.
TO_A_LONG_ANSWER = ["hello", "yes", "Ana Silva", "Open Net Initiative", "Kenya", "ana@example.org",
                    "Non-Government", "1", "With ECOSOC consultative status"]


async def test_two_processes_taking_one_respondents_messages_at_once_lose_none() -> None:
    # Two repositories, two pools, two services: what two `consult serve` processes would hold.
    questionnaire = loader.load()
    async with fresh_schema() as url:
        first, second = await open_repository(url), await open_repository(url)
        try:
            processes = [ConsultService(questionnaire, first), ConsultService(questionnaire, second)]
            ana = Respondent(processes[0], "ana")
            reply = await ana.says(*TO_A_LONG_ANSWER)
            assert reply.prompt is not None and reply.prompt.item_id == "q2"
            parts = [f"Paragraph {n}." for n in range(24)]
            await asyncio.gather(*(
                processes[n % 2].handle(ana.id, ana.channel, parse_text(part), f"test:m:{n}")
                for n, part in enumerate(parts)
            ))
            # A delivery repeated to the other process changes nothing.
            await processes[1].handle(ana.id, ana.channel, parse_text(parts[0]), "test:m:0")
            stored = await second.get(ana.id)
            assert stored is not None and stored.draft is not None
            assert sorted(stored.draft.parts) == sorted(parts)
        finally:
            await first.close()
            await second.close()
