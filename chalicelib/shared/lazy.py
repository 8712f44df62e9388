"""Modules a page needs only when it renders, loaded on first use instead of at a cold start (the stdlib's
`importlib.util.LazyLoader`: the module object is in place at once, its code runs on the first attribute read).

Use it for a page's views and tables — never for what routing or the schemas need at import::

    if TYPE_CHECKING:
        from . import results_views
    else:
        results_views = lazy("chalicelib.surveys.results_views")

The first read runs the module's code under a lock and the module becomes an ordinary one only once that code has
run, so a thread that reads it meanwhile (the local server and its worker are threaded) waits for it rather than
finding it half-built; Python 3.11's own `_LazyModule` switches first (fixed in 3.12, python/cpython#114763).
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

_LOADING = threading.RLock()


class _LazyModule(ModuleType):
    """A module whose code has not run yet: the first attribute read runs it, once, under `_LOADING`."""

    def __getattribute__(self, attr: str) -> Any:
        with _LOADING:
            if object.__getattribute__(self, "__class__") is _LazyModule:
                state = object.__getattribute__(self, "__spec__").loader_state
                if state["loading"]:  # the module's own code (or an import it makes) reads it while it runs
                    return object.__getattribute__(self, attr)
                state["loading"] = True
                try:
                    state["loader"].exec_module(self)
                finally:
                    state["loading"] = False
                object.__setattr__(self, "__class__", ModuleType)
        return getattr(self, attr)

    def __delattr__(self, attr: str) -> None:
        self.__getattribute__("__name__")  # run the code first, as for a read
        delattr(self, attr)


def lazy(name: str) -> ModuleType:
    """The named module, its body run on first use (the module already imported, if it is)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    spec.loader_state = {"loader": spec.loader, "loading": False}
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    module.__class__ = _LazyModule
    return module
