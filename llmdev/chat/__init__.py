"""`llmdev chat`: an interactive session over a repository.

session.py holds the state, conversation.py and budget.py build each prompt inside the model's
window, turn.py sends one question, slash.py dispatches `/commands` (defined in slash_*.py;
/edit and /run reuse `gen`'s and `debug`'s cores through editing.py and running.py),
completion.py and toolbar.py feed the prompt, app.py runs the prompt-toolkit loop.
"""
