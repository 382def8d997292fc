"""The corpus core: records, importers and the SQLite store. Never imports Textual."""
