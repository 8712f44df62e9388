"""Modules a page needs only when it renders, loaded on first use instead of at a cold start (the stdlib's
`importlib.util.LazyLoader`: the module object is in place at once, its code runs on the first attribute read).

Use it for a page's views and tables — never for what routing or the schemas need at import::

    if TYPE_CHECKING:
        from . import results_views
    else:
        results_views = lazy("chalicelib.surveys.results_views")
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """The named module, its body run on first use (the module already imported, if it is)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
