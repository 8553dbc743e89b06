"""Python definitions of what the native core computes, kept as oracles for its tests only."""
