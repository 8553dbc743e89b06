"""What stages call: trafilatura's extraction with page metadata, and the gate in front of ftfy."""
