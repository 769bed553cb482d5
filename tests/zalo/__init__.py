"""Zalo OA channel tests: a fake Zalo API on loopback, unit tests and the real bot."""
