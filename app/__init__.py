"""Interview Tracker: track job interviews and get coached by specialist AI agents."""

__version__ = "0.2.0"
