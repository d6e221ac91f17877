"""What goes into a prompt: ranked files and symbols, repo maps and diff context, within a token budget."""
