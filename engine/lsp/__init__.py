"""The language server (``lexlux lsp``): ``analysis.py`` knows the documents and their
knowledge bases without the protocol; ``server.py`` speaks the protocol with pygls."""
