"""Language-model providers behind one interface (:class:`Provider`)."""

from app.agents.providers.base import FollowUps, Piece, Provider, RoutingDecision

__all__ = ["FollowUps", "Piece", "Provider", "RoutingDecision"]
