"""Embedded transports: the engine runs in this process (binding) or in a child process (repl)."""
