"""lexlux: Luxembourg sickness, return-to-work and reclassification law as code.

The pipeline: load → validate → compile → evaluate / verify.  Public API:
:func:`load_knowledge_base`.
"""

from .pipeline import LoadResult, load_knowledge_base

__all__ = ["LoadResult", "load_knowledge_base"]
__version__ = "0.1.0"
