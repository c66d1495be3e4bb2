"""The `--demo` database: simulated Claude Code agents, logged as eyelet logs them, by a writer in its own process."""
