"""`llmdev modelfile`: an Ollama Modelfile for a model that knows this project, and an alias for it.

Entry points: `profile.profile_repository` (languages, conventions, rules, num_ctx, from the
repository), `render.render_modelfile`, `toml_edit.set_alias` (writes the alias into the config file).
"""
