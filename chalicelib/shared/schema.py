"""The base of the edge schemas: pydantic builds a model's validator and serializer when the model is first used.

Building all ~100 models at import made every cold start pay for every route's schemas (~30 ms); now a request
builds the few it parses and answers with (`GET /api/requests`: its query and the page of summaries), and
`/openapi.json` builds the rest. Behaviour is pydantic's own: `defer_build` changes when, not what.
"""

from __future__ import annotations

from pydantic import BaseModel as PydanticModel
from pydantic import ConfigDict


class BaseModel(PydanticModel):
    """A pydantic model built on first use; every schema derives from it (its own `model_config` adds to this one)."""

    model_config = ConfigDict(defer_build=True)


class Input(BaseModel):
    """What a client sends (a body or a query): unknown fields refused, surrounding spaces dropped.

    Fields are written with the types of shared/fields.py; shared/http.py reads JSON bodies strictly.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
