"""qatui: a terminal reader for a corpus of medical Q&A pages."""

__version__ = "0.1.0"
