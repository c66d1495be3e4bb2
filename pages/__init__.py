"""Pages: each registers a route and composes components; nothing else."""
