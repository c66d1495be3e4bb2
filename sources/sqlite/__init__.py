"""SQLite files: read-only connections, short reads, commit detection, and a sandbox for people's SQL."""
