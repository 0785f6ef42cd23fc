"""Leaderbot: answers questions about LLM leaderboards, on Discord and in a console."""
