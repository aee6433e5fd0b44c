"""Knowledge engineering: check, test, coverage and documentation of the knowledge base."""
