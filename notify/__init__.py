"""Notifications that reach you away from the tab: each episode that needs you (state/eyelet/attention.py) sent to
Apprise URLs (`--notify`: a phone, a team's chat, a mail box) and, with `--native`, shown by the OS."""
