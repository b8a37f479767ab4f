"""Redis: the one client per process, and what is kept in it."""
