"""Grading an answer against the specialist's rubric.

Rubrics are data (``rubrics/rubrics.yaml``, validated here). With a language model the rubric goes
into the prompt and the grade comes back as structured output; offline — or when the model's
output cannot be used — a deterministic grader checks the rubric's parts with real signals in the
answer (numbers and units, first-person actions, a stated result, named complexity, trade-off
language, length, structure) and says that it is offline.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from app.agents.providers import Provider
from app.agents.specialists import SPECIALISTS, AgentId
from app.models.enums import QuestionCategory

log = logging.getLogger("app.agents.grading")

RUBRICS_FILE = Path(__file__).parent / "rubrics" / "rubrics.yaml"
OFFLINE_GRADER = "offline-grader-1 (offline, rule-based, no LLM)"
COMPUTED_SIGNALS = frozenset({"ownership", "structure", "length"})

# A question's category names its specialist (``other`` is routed).
CATEGORY_AGENT = {
    QuestionCategory.behavioral: AgentId.behavioral,
    QuestionCategory.technical: AgentId.technical,
    QuestionCategory.coding: AgentId.coding,
    QuestionCategory.system_design: AgentId.system_design,
    QuestionCategory.product: AgentId.product_manager,
    QuestionCategory.architecture: AgentId.architect,
}
AGENT_CATEGORY = {agent: category for category, agent in CATEGORY_AGENT.items()}


# The rubric file -------------------------------------------------------------------------------


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[a-z_]+$")]
    name: str
    signals: dict[str, float] = Field(min_length=1)
    levels: dict[int, str]
    missing: str
    outline: str

    @field_validator("levels")
    @classmethod
    def _levels(cls, value: dict[int, str]) -> dict[int, str]:
        if set(value) != {2, 6, 9}:
            raise ValueError("levels must describe a 2, a 6 and a 9")
        return value


class RubricFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    signals: dict[str, list[str]]
    rubrics: dict[AgentId, list[Criterion]]

    @model_validator(mode="after")
    def _consistent(self) -> RubricFile:
        for name, patterns in self.signals.items():
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"signal {name}: bad pattern {pattern!r}: {exc}") from exc
        if set(self.rubrics) != set(AgentId):
            raise ValueError(f"a rubric for every specialist: missing {set(AgentId) - set(self.rubrics)}")
        for agent, criteria in self.rubrics.items():
            if not 4 <= len(criteria) <= 6:
                raise ValueError(f"{agent}: 4–6 criteria, not {len(criteria)}")
            for c in criteria:
                unknown = set(c.signals) - set(self.signals) - COMPUTED_SIGNALS
                if unknown:
                    raise ValueError(f"{agent}.{c.id}: unknown signals {sorted(unknown)}")
        return self


@dataclass(frozen=True)
class Rubrics:
    criteria: dict[AgentId, list[Criterion]]
    patterns: dict[str, list[re.Pattern[str]]]


@lru_cache(maxsize=4)
def load_rubrics(path: Path = RUBRICS_FILE) -> Rubrics:
    with path.open(encoding="utf-8") as fh:
        data = RubricFile.model_validate(yaml.safe_load(fh))
    patterns = {k: [re.compile(p, re.IGNORECASE) for p in v] for k, v in data.signals.items()}
    return Rubrics(dict(data.rubrics), patterns)


# What a grade is -------------------------------------------------------------------------------

Score = Annotated[int, Field(ge=1, le=10)]


class CriterionGrade(BaseModel):
    criterion: str = Field(description="The rubric criterion's name.")
    score: Score
    evidence: str = Field(description="A short quote or paraphrase from the answer.")
    advice: str = Field(description="One concrete improvement.")


class GradeOutput(BaseModel):
    """Grade a candidate's interview answer against the rubric."""

    overall: Score
    criteria: list[CriterionGrade] = Field(min_length=1, max_length=8)
    strengths: list[str] = Field(max_length=8)
    improvements: list[str] = Field(max_length=8)
    better_answer_outline: str = Field(description="Markdown outline of a stronger answer.")


@dataclass(frozen=True)
class Grade:
    agent: AgentId
    output: GradeOutput
    model: str
    method: str  # "llm" | "offline"
    note: str | None = None  # why an LLM grade fell back to the offline grader


# The offline grader ----------------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_I_ACTION = re.compile(
    r"\bI(?:'ve| have)?\s+(?!am\b|was\b|think\b|guess\b|believe\b|feel\b|don't\b|'m\b)[a-z]+"
)
_WE = re.compile(r"\bwe\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.MULTILINE)
_SEQUENCE = re.compile(
    r"\b(first(ly)?|second(ly)?|then|next|after that|finally|lastly|to start)\b", re.IGNORECASE
)
_WORD = re.compile(r"\b[\w'-]+\b")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def _measure(signal: str, text: str, rubrics: Rubrics) -> float:
    if signal == "length":
        return float(len(_WORD.findall(text)))
    if signal == "ownership":
        mine, ours = len(_I_ACTION.findall(text)), len(_WE.findall(text))
        # "we" crowding out "I" hides what the candidate did
        return max(0.0, mine - 0.5 * max(0, ours - mine))
    if signal == "structure":
        paragraphs = len([p for p in re.split(r"\n\s*\n", text) if p.strip()])
        return float(max(0, paragraphs - 1) + len(_LIST_ITEM.findall(text)) + len(_SEQUENCE.findall(text)))
    return float(sum(len(p.findall(text)) for p in rubrics.patterns[signal]))


def _evidence(criterion: Criterion, sentences: list[str], rubrics: Rubrics) -> str | None:
    """The sentence with the most hits for the criterion's pattern signals."""
    best, best_hits = None, 0.0
    for sentence in sentences:
        hits = sum(
            _measure(s, sentence, rubrics) for s in criterion.signals if s not in ("length", "structure")
        )
        if hits > best_hits:
            best, best_hits = sentence, hits
    if best is None:
        return None
    return best if len(best) <= 220 else best[:217].rstrip() + "…"


def _criterion_score(criterion: Criterion, text: str, words: int, rubrics: Rubrics) -> int:
    fractions = [min(_measure(s, text, rubrics) / target, 1.0) for s, target in criterion.signals.items()]
    score = round(1 + 9 * sum(fractions) / len(fractions))
    # Signals in a few words are not an answer: very short answers cannot score well.
    if words < 25:
        score = min(score, 3)
    elif words < 60:
        score = min(score, 6)
    return max(1, min(10, score))


def outline(agent: AgentId, question: str, criteria: list[Criterion]) -> str:
    lines = [f"### A stronger answer to “{question.strip()[:200]}”", ""]
    lines += [f"{i}. {c.outline}" for i, c in enumerate(criteria, 1)]
    lines += ["", f"_Framework: {' → '.join(SPECIALISTS[agent].framework)}._"]
    return "\n".join(lines)


def grade_offline(agent: AgentId, question: str, answer: str) -> GradeOutput:
    """Deterministic: the same answer always gets the same grade."""
    rubrics = load_rubrics()
    criteria = rubrics.criteria[agent]
    sentences = _sentences(answer)
    words = len(_WORD.findall(answer))
    grades: list[CriterionGrade] = []
    strengths: list[str] = []
    improvements: list[str] = []
    for c in criteria:
        score = _criterion_score(c, answer, words, rubrics)
        quote = _evidence(c, sentences, rubrics)
        evidence = f"“{quote}”" if quote and score >= 4 else f"Not found in your answer: {c.missing}."
        if score >= 8:
            advice = f"Keep this. {c.levels[9]}"
            strengths.append(f"{c.name}: {quote or 'covered'}")
        elif score >= 5:
            advice = f"Go further — a 9 looks like this: {c.levels[9]}"
            improvements.append(f"Strengthen {c.name.lower()}: {c.levels[9]}")
        else:
            advice = f"Add {c.missing}. {c.levels[9]}"
            improvements.append(f"Missing: {c.missing}.")
        grades.append(CriterionGrade(criterion=c.name, score=score, evidence=evidence, advice=advice))
    overall = max(1, min(10, round(sum(g.score for g in grades) / len(grades))))
    return GradeOutput(
        overall=overall,
        criteria=grades,
        strengths=strengths[:8],
        improvements=improvements[:8],
        better_answer_outline=outline(agent, question, criteria)
        + "\n\n_Graded offline: rule-based checks of the rubric's parts, not a language model._",
    )


# The language-model grader ---------------------------------------------------------------------


class UnusableGrade(Exception):
    """The model's grade does not match the rubric."""


def rubric_prompt(agent: AgentId) -> str:
    specialist = SPECIALISTS[agent]
    parts = [
        f"You are a strict interviewer ({specialist.name}) grading a candidate's answer against this "
        "rubric. Score each criterion 1–10 using the anchors; quote or paraphrase the answer as "
        "evidence (never invent it); give one concrete piece of advice per criterion. `overall` is "
        "1–10. Then list strengths and improvements, and a Markdown outline of a stronger answer. "
        "Use exactly these criterion names:",
    ]
    for c in load_rubrics().criteria[agent]:
        parts.append(f"- {c.name}: 2 = {c.levels[2]} 6 = {c.levels[6]} 9 = {c.levels[9]}")
    return "\n".join(parts)


def _checked(agent: AgentId, output: GradeOutput) -> GradeOutput:
    """Every rubric criterion graded once, under its own name (matched loosely), in rubric order."""
    criteria = load_rubrics().criteria[agent]

    def key(name: str) -> str:
        return re.sub(r"[^a-z]", "", name.lower())

    by_key = {key(g.criterion): g for g in output.criteria}
    ordered = []
    for c in criteria:
        g = by_key.get(key(c.name)) or by_key.get(key(c.id))
        if g is None:
            raise UnusableGrade(f"criterion {c.name!r} was not graded")
        ordered.append(g.model_copy(update={"criterion": c.name}))
    if not output.better_answer_outline.strip():
        raise UnusableGrade("empty outline")
    return output.model_copy(update={"criteria": ordered})


async def grade(
    provider: Provider, agent: AgentId, question: str, answer: str, context: str | None = None
) -> Grade:
    """Grade with the provider's model when it has one, else (or when that fails) offline."""
    structured = getattr(provider, "structured", None)
    if provider.offline or structured is None:
        return Grade(agent, grade_offline(agent, question, answer), OFFLINE_GRADER, "offline")
    human = (
        f"Question: {question}\n\n" + (f"Context: {context}\n\n" if context else "") + f"Answer:\n{answer}"
    )
    timeout_s: float = min(float(getattr(provider, "timeout_s", 60.0)), 60.0)
    try:
        output = await structured(
            GradeOutput, [SystemMessage(content=rubric_prompt(agent)), HumanMessage(content=human)], timeout_s
        )
        return Grade(agent, _checked(agent, output), provider.label, "llm")
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # malformed output, provider down: the offline grade still answers
        log.warning("LLM grading failed (%s); using the offline grader", type(exc).__name__)
        note = f"The language model's grade could not be used ({type(exc).__name__}); graded offline."
        return Grade(agent, grade_offline(agent, question, answer), OFFLINE_GRADER, "offline", note)


def as_dict(output: GradeOutput) -> dict[str, Any]:
    return output.model_dump()
