"""The database file: schema and migrations, opening it, the writer, pooled read sessions."""
