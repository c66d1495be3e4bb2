"""The server's edge: who may reach it (token, origin, LAN), what it keeps between runs, and how it stops."""
