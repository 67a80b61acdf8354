"""lexlux: Luxembourg sickness, return-to-work and reclassification law as code.

The pipeline: load → validate → compile → evaluate / verify.  Public API:
:func:`load_knowledge_base`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pipeline import LoadResult, load_knowledge_base

__all__ = ["LoadResult", "load_knowledge_base"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # imported on first use, so that `import lexlux.cli` does not load every stage
    if name in __all__:
        from . import pipeline
        return getattr(pipeline, name)
    raise AttributeError(f"module 'lexlux' has no attribute {name!r}")
