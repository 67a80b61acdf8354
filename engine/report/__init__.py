"""Stage package: reports over the knowledge base (coverage of the sources, open questions)."""
