"""The openai backend (being written)."""
