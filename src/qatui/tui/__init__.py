"""The Textual reader. It reaches the database only through qatui.corpus, from workers."""
