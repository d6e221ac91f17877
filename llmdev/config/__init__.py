"""Layered configuration: defaults < user file < repository file < environment < flags.

`loader` reads and merges the layers (light to import); `schema` holds the tables they must fit
(msgspec structs, imported when settings are validated).
"""
