"""Fine-tuning data from the repository's history: the prompt llmdev would have built at a commit,
answered with what the humans did (the real message, the real change, the lines a later fix changed).

Entry points: `examples` (one task kind's examples, each kept or dropped with a reason) and
`export.export_dataset` (chat-format JSONL, filtered by the privacy rules, with a summary).
"""
