"""Code review: plan requests that fit the model's window, run them, merge and report the findings.

Entry points: `plan.plan_review` (nothing sent), `engine.run_review`, `formats.render`,
`service.run_review_command` (what `llmdev review` does).
"""
