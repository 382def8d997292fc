"""Getting records in: page text, JSON/JSONL/CSV streams, dates, text repair, the importer."""
