"""Live pages: presence and the poll's cached state (`live`), whole pages served
from the cache (`pagecache`), and the signal handlers that keep both honest."""
