"""Git and files: find the repository, list the files llmdev may read, and diffs as data."""
