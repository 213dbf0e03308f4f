"""Grading an answer against the specialist's rubric.

Rubrics are data (``rubrics/rubrics.yaml``, validated here). With a language model the rubric goes
into the prompt and the grade comes back as structured output; offline — or when the model's
output cannot be used — a deterministic grader checks the rubric's parts with real signals in the
answer (numbers and units, first-person actions, a stated result, named complexity, trade-off
language, length, structure) and says that it is offline.

Before any of that it checks that the answer is about the question: the question's own content
words, and — when the question matches a knowledge topic — that topic's distinctive vocabulary,
must appear in the answer. An answer that names none of them is off-topic and scores low however
well-formed it is; an answer that names the topic's concepts gets credit for them even when short.
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

from app.agents import knowledge
from app.agents.knowledge.models import SECTIONS
from app.agents.providers import Provider
from app.agents.specialists import SPECIALISTS, AgentId
from app.agents.text import STOP, subject_of
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
    # Parts of a matched knowledge topic ("summary" or a section heading) whose vocabulary in the
    # answer is evidence for this criterion: naming the right concepts earns credit without the
    # signal phrases ("is a", "for example").
    knowledge: list[str] = Field(default_factory=list)

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
                parts = set(c.knowledge) - {"summary", *SECTIONS[agent]}
                if parts:
                    raise ValueError(f"{agent}.{c.id}: unknown knowledge parts {sorted(parts)}")
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


# Relevance: is the answer about the question? ---------------------------------------------------

# Words that ask for something or frame it rather than name a subject ("explain how X works").
_GENERIC = frozenset(
    """work works working worked help helps helped happen happens matter matters mean means important
    good bad best better way ways thing things something someone one two three approach handle handled
    used uses useful example examples trade off offs tradeoff tradeoffs pitfall pitfalls interview
    question answer candidate choose choosing decide improve system systems need needs want know
    service services app application platform tool feature product company""".split()
)
# A topic word found in more than this share of all topics is common vocabulary, not the topic's.
_MAX_TOPIC_SHARE = 0.06
# Below this share of the question's content words, and with none of its topic's distinctive
# words, an answer is off-topic (lenient on purpose: a weak answer on the subject is not off-topic).
_MIN_QUESTION_SHARE = 0.3
_MIN_TOPIC_HITS = 1
OFF_TOPIC_CAP = 2


def root(word: str) -> str:
    """A crude, deterministic stem for matching word forms: hashing/hash, caches/cache,
    consistency/consistent, writers/writes (suffixes dropped, then the first 7 letters)."""
    w = word.lower()
    for suffix in ("ations", "ation", "ings", "ing", "ers", "er", "ies", "es", "ed", "ly", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w[:7]


def _content_roots(text: str) -> list[str]:
    """The text's content words as roots, in order, without repeats, stopwords or generic words."""
    seen: dict[str, None] = {}
    for word in knowledge.tokens(text):
        if len(word) < 3 or word.isdigit() or word in STOP or word in _GENERIC:
            continue
        seen.setdefault(root(word), None)
    return list(seen)


@lru_cache(maxsize=1)
def _topic_vocabulary() -> tuple[dict[str, dict[str, frozenset[str]]], frozenset[str]]:
    """Per topic id, per part ("all", "summary", section heading): its distinctive roots; and the
    roots too common across topics to tell one from another."""
    kb = knowledge.default()
    parts: dict[str, dict[str, set[str]]] = {}
    df: dict[str, int] = {}
    for t in kb.topics:
        by_part = {"summary": set(_content_roots(t.title + " " + t.summary + " " + " ".join(t.phrases)))}
        for heading, bullets in t.sections.items():
            by_part[heading] = set(_content_roots(" ".join(bullets)))
        by_part["all"] = set().union(*by_part.values())
        parts[t.id] = by_part
        for r in by_part["all"]:
            df[r] = df.get(r, 0) + 1
    common = frozenset(r for r, n in df.items() if n > _MAX_TOPIC_SHARE * len(kb.topics))
    distinctive = {
        tid: {part: frozenset(roots - common) for part, roots in by_part.items()}
        for tid, by_part in parts.items()
    }
    return distinctive, common


@dataclass(frozen=True)
class Relevance:
    """How much of the question (and its knowledge topic) the answer talks about."""

    subject: str
    question_terms: tuple[str, ...]  # the question's content words, as roots
    question_hits: tuple[str, ...]
    topic_id: str | None
    topic_hits: tuple[str, ...]
    answer_roots: frozenset[str]
    checked: bool  # False for behavioral prompts: a story answers them in its own words

    @property
    def question_share(self) -> float:
        return len(self.question_hits) / len(self.question_terms) if self.question_terms else 1.0

    @property
    def off_topic(self) -> bool:
        if not self.checked or not self.question_terms:
            return False
        return self.question_share < _MIN_QUESTION_SHARE and len(self.topic_hits) < _MIN_TOPIC_HITS

    def part_hits(self, part: str) -> list[str]:
        """Distinctive words of one part of the matched topic that the answer uses."""
        if self.topic_id is None:
            return []
        vocab = _topic_vocabulary()[0][self.topic_id].get(part, frozenset())
        return sorted(vocab & self.answer_roots)


def _topic_of(agent: AgentId, question: str, terms: set[str]) -> knowledge.Match | None:
    """The question's knowledge topic, when the phrase that matched is really in the question
    (the matcher forgives typos, so "photo sharing" can reach "sharding")."""
    kb = knowledge.default()
    for match in (kb.match(question, agent), kb.match(question)):
        if match is not None and set(_content_roots(match.phrase)) <= terms:
            return match
    return None


def relevance(agent: AgentId, question: str, answer: str) -> Relevance:
    terms = tuple(_content_roots(question))
    match = _topic_of(agent, question, set(terms))
    answer_roots = frozenset(_content_roots(answer))
    topic_hits: tuple[str, ...] = ()
    if match is not None:
        vocab = _topic_vocabulary()[0][match.topic.id]["all"]
        topic_hits = tuple(sorted((vocab - set(terms)) & answer_roots))
    return Relevance(
        subject=match.topic.title if match else subject_of(question),
        question_terms=terms,
        question_hits=tuple(t for t in terms if t in answer_roots),
        topic_id=match.topic.id if match else None,
        topic_hits=topic_hits,
        answer_roots=answer_roots,
        checked=agent is not AgentId.behavioral,
    )


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


def _evidence(criterion: Criterion, sentences: list[str], rubrics: Rubrics, terms: set[str]) -> str | None:
    """The sentence with the most hits for the criterion's pattern signals and topic terms."""
    best, best_hits = None, 0.0
    for sentence in sentences:
        hits = sum(
            _measure(s, sentence, rubrics) for s in criterion.signals if s not in ("length", "structure")
        )
        if terms:
            hits += len(terms & set(_content_roots(sentence)))
        if hits > best_hits:
            best, best_hits = sentence, hits
    if best is None:
        return None
    return best if len(best) <= 220 else best[:217].rstrip() + "…"


def _criterion_score(criterion: Criterion, text: str, words: int, rubrics: Rubrics, concepts: int) -> int:
    fractions = [min(_measure(s, text, rubrics) / target, 1.0) for s, target in criterion.signals.items()]
    score = round(1 + 9 * sum(fractions) / len(fractions))
    # Naming the topic's concepts for this part is evidence of it, whatever the phrasing.
    score = max(score, {0: 1, 1: 4, 2: 6}.get(concepts, 7))
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
    rel = relevance(agent, question, answer)
    off_topic = rel.off_topic
    grades: list[CriterionGrade] = []
    strengths: list[str] = []
    improvements: list[str] = []
    if off_topic:
        named = ", ".join(rel.question_terms[:6])
        improvements.append(
            f"Answer the question asked: your answer does not address {rel.subject} "
            f"(none of its key terms — {named} — appear)."
        )
    for c in criteria:
        concepts = sorted({r for part in c.knowledge for r in rel.part_hits(part)})
        score = _criterion_score(c, answer, words, rubrics, len(concepts))
        quote = _evidence(c, sentences, rubrics, set(concepts))
        if off_topic:
            score = min(score, OFF_TOPIC_CAP)
            evidence = f"Your answer does not address {rel.subject}, so it cannot show {c.missing}."
            advice = f"Answer about {rel.subject}: {c.levels[9]}"
        elif quote and score >= 4:
            evidence = f"“{quote}”"
            if concepts and len(concepts) >= 2:
                evidence += f" (names {', '.join(concepts[:5])})"
        elif score >= 4:
            evidence = f"Partly: no sentence states it outright — {c.missing}."
        else:
            evidence = f"Not found in your answer: {c.missing}."
        if off_topic:
            improvements.append(f"Missing: {c.missing}.")
        elif score >= 8:
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
    if off_topic:
        overall = min(overall, OFF_TOPIC_CAP)
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
