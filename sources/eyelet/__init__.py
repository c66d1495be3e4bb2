"""eyelet's facts: its schemas, where its databases live, and the team's `eyelet_hooks` table in PostgreSQL."""
