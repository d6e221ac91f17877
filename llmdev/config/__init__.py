"""Layered configuration: defaults < user file < repository file < environment < flags.

`loader` reads and merges the layers (light to import); `schema` holds the pydantic models
(imported only when settings are validated, to keep start-up fast).
"""
