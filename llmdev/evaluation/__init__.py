"""Evaluation on the repository's own history: tasks mined from commits, scored with no human.

Entry points: `mining.mine_tasks` (tasks from git history, nothing sent), `runner.run_eval`
(score tasks per model, resumable, stored in SQLite), `report.build_report` and `chart.write_html`.
"""
