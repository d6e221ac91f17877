"""Source code understanding: tree-sitter tags, a persistent index, ranking."""
