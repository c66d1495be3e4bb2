"""PostgreSQL databases: the same jobs as `sources.sqlite` (connection, reader, changes, schema) with psycopg 3."""
