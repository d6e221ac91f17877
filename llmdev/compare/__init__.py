"""Run the same task on several models and put the results side by side.

Entry points: `engine.compare_models` (run a task per model, measure each), `agreement.agree`
(which review findings the models share), `render.render` (text, markdown, json).
`calls.collect_calls` records the model calls a block of code makes (eval uses it too).
"""
