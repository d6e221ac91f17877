"""Debugging a failing command: run it, read its stack traces, map them to the repository, and
gather what the model needs to find the root cause."""
