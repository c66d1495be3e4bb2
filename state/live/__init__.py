"""The live-table engine, for any database: one watcher each, paced reads, keyed diffs, deltas to viewers."""
