"""Test-wide settings."""

from hypothesis import settings

# Generated examples are the same on every run (seeded by each test), so a property that
# fails, fails every time and in CI, never now and then; a test may still ask for more or
# other examples with its own @settings.
settings.register_profile("cleanpipe", derandomize=True, deadline=None)
settings.load_profile("cleanpipe")
