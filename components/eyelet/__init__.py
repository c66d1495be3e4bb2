"""Components for eyelet's records: the hook feed, the charts, the session list's cells and each session's story."""
