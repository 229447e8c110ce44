"""The base of every model that crosses a module boundary."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


Model = _Model
