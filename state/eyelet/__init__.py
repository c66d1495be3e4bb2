"""The product on eyelet's records: hook events in words, tool calls paired, sessions, charts, stories."""
