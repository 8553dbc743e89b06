"""What a run tells its user: the corpus summary, the terminal diff and the HTML audit report."""
