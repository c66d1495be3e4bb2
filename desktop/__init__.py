"""The desktop window (`--native`): pywebview in a process of its own, and whether this machine can open one."""
