"""The drafter's workbench: an HTTP API, a law explorer and a case playground.

``create_app(workbench, settings)`` builds the ASGI application (FastAPI) over a knowledge base
loaded once; ``lexlux serve`` runs it with uvicorn and ``lexlux site OUT`` writes the explorer
as static pages.  This package needs the optional extra ``web`` (FastAPI, uvicorn, Jinja2).
"""
