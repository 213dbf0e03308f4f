"""Mock interviews (issue 12)."""
