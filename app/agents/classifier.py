"""The local router the supervisor asks first: a trained, calibrated model (``app.agents.routing``).

``classify(question)`` returns the specialist, a calibrated confidence, a reason a person can
read and the probability of every specialist. At or above ``CONFIDENT_THRESHOLD`` the answer is
trusted on its own; below it the supervisor asks the LLM when one is configured, and offline the
best guess is used (its reason says so).
"""

from __future__ import annotations

from app.agents.routing import CONFIDENT_THRESHOLD, Classification, classify

__all__ = ["CONFIDENT_THRESHOLD", "Classification", "classify"]
