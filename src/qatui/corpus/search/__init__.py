"""Full-text search: query syntax, FTS5 and CJK matching, ranking, snippets and highlights."""
