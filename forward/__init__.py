"""`eyelet-gui forward`: a second program that forwards this machine's eyelet records to a team's PostgreSQL."""
