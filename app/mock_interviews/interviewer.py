"""The interviewer's side of a mock: a short reaction to each answer and, when the answer leaves
an obvious gap, one probing follow-up built from the rubric part that is missing.

The follow-up comes from the grade (the weakest rubric criterion, when it scored low), so it is
the same decision with or without a language model. The reaction streams from the provider's
model when there is one; offline (or when the model fails before saying anything) it is written
from the grade.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator

from langchain_core.messages import HumanMessage, SystemMessage

from app.agents.grading import GradeOutput, load_rubrics
from app.agents.providers import Provider
from app.agents.specialists import SPECIALISTS, AgentId

log = logging.getLogger("app.mock_interviews.interviewer")

# A criterion at or below this leaves an obvious gap worth one probing question.
GAP_SCORE = 4
REACTION_TIMEOUT_S = 30.0


def follow_up_for(agent: AgentId, grade: GradeOutput) -> str | None:
    """One probing question on the weakest rubric part, or None when nothing is clearly missing."""
    scores = {g.criterion: g.score for g in grade.criteria}
    weakest = None
    for criterion in load_rubrics().criteria[agent]:
        score = scores.get(criterion.name)
        if score is not None and score <= GAP_SCORE and (weakest is None or score < weakest[1]):
            weakest = (criterion, score)
    if weakest is None:
        return None
    return f"Let me push on one thing: you didn't cover {weakest[0].missing}. Can you walk me through that?"


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def offline_reaction(grade: GradeOutput, follow_up: bool) -> str:
    """Two sentences from the grade: what worked (or the score), then what was missing."""
    if grade.overall >= 8:
        first = "Strong answer."
    elif grade.overall >= 5:
        first = "Thanks — a solid start."
    else:
        first = "Thanks. That one was thin."
    if grade.strengths:
        first += f" What worked: {_short(grade.strengths[0])}."
    if follow_up:
        second = "Before we move on, one follow-up."
    elif grade.improvements:
        second = f"Next time: {_short(grade.improvements[0])}"
    else:
        second = "Let's keep going."
    return f"{first} {second}".replace("..", ".")


def _pieces(text: str) -> list[str]:
    """Words with their trailing space, so the chunks concatenate to the text exactly."""
    return re.findall(r"\S+\s*", text)


async def reaction(
    provider: Provider, agent: AgentId, question: str, answer: str, grade: GradeOutput, follow_up: bool
) -> AsyncIterator[str]:
    """The interviewer's reaction, in chunks."""
    said = False
    if not provider.offline:
        system = (
            f"You are the interviewer ({SPECIALISTS[agent].name}) in a mock job interview. React to the "
            "candidate's answer in at most two short sentences, as a real interviewer would: one thing "
            "that worked, one that was missing. No scores, no questions, no headings."
        )
        notes = "; ".join(grade.improvements[:3]) or "none"
        human = f"Question: {question}\n\nAnswer:\n{answer[:6000]}\n\nThe grader's notes: {notes}"
        try:
            async with asyncio.timeout(REACTION_TIMEOUT_S):
                async for chunk in provider.model.astream(
                    [SystemMessage(content=system), HumanMessage(content=human)]
                ):
                    text = chunk.content if isinstance(chunk.content, str) else ""
                    if text:
                        said = True
                        yield text
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("the interviewer's reaction failed (%s)", type(exc).__name__)
            if said:  # part of it was said: end it there rather than start over
                return
    if not said:
        for piece in _pieces(offline_reaction(grade, follow_up)):
            yield piece
