"""End-to-end tests: the app runs as a separate server process, the tests talk HTTP to it."""
