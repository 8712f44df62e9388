"""The entry layer: the decorators and handlers that connect Chalice to the container (the only layer that may).

`container()` imports the composition root on first use, so `import app` registers every route without building
(or importing) the services, stores and AWS adapters behind them; the first request that needs one pays for it,
which is what the cold-start benchmark's "import + first answer" measures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.bootstrap import Container


def container() -> Container:
    """The process's container (chalicelib.bootstrap), built on first use."""
    from chalicelib.bootstrap import container as built

    return built()
