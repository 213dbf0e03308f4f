"""The candidate's context, rendered into the system prompt (and read back by the offline coach)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CONTEXT_HEADER = "## Candidate context"
RELATED_HEADER = "## Related questions from the candidate's bank"


@dataclass
class RelatedQuestion:
    text: str
    category: str
    average_rating: float | None = None


@dataclass
class CoachingContext:
    company: str | None = None
    role: str | None = None
    seniority: str | None = None
    interview_notes: str | None = None
    interview_feedback: str | None = None
    question_notes: str | None = None
    sample_answer: str | None = None
    past_ratings: list[int] = field(default_factory=list)
    notes: str | None = None
    related: list[RelatedQuestion] = field(default_factory=list)

    _FIELDS = (
        ("company", "Company"),
        ("role", "Role"),
        ("seniority", "Seniority"),
        ("interview_notes", "Interview notes"),
        ("interview_feedback", "Interviewer feedback"),
        ("question_notes", "Their notes on this question"),
        ("sample_answer", "Their prepared answer"),
        ("notes", "Other notes"),
    )

    def render(self) -> str:
        lines = []
        for attr, label in self._FIELDS:
            value = getattr(self, attr)
            if value:
                lines.append(f"- {label}: {' '.join(str(value).split())[:1500]}")
        if self.past_ratings:
            lines.append(
                f"- Past answer ratings for this question (1-10): {', '.join(map(str, self.past_ratings))}"
            )
        out = []
        if lines:
            out.append(CONTEXT_HEADER + "\n" + "\n".join(lines))
        if self.related:
            rel = []
            for r in self.related:
                rating = (
                    f", answered {r.average_rating:.1f}/10 on average" if r.average_rating is not None else ""
                )
                rel.append(f"- {' '.join(r.text.split())[:300]} ({r.category}{rating})")
            out.append(RELATED_HEADER + "\n" + "\n".join(rel))
        return "\n\n".join(out)

    @classmethod
    def parse(cls, text: str) -> CoachingContext:
        ctx = cls()
        labels = {label: attr for attr, label in cls._FIELDS}
        section = ""
        for line in text.splitlines():
            if line.startswith("## "):
                section = line.strip()
                continue
            if not line.startswith("- "):
                continue
            body = line[2:]
            if section == CONTEXT_HEADER:
                label, _, value = body.partition(": ")
                if label in labels:
                    setattr(ctx, labels[label], value)
                elif label.startswith("Past answer ratings"):
                    ctx.past_ratings = [int(x) for x in re.findall(r"\d+", value)]
            elif section == RELATED_HEADER:
                m = re.match(r"(.*) \(([a-z_]+)(?:, answered ([\d.]+)/10 on average)?\)$", body)
                if m:
                    ctx.related.append(
                        RelatedQuestion(m.group(1), m.group(2), float(m.group(3)) if m.group(3) else None)
                    )
        return ctx
