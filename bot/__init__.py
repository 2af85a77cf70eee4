"""The outside world: command line, configuration, wiring, the per-turn pipeline (later: channels, server, scheduler)."""
