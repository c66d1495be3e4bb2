"""Everything that touches SQLite files and the file system; no UI here."""
