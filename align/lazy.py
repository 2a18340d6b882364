"""Package attributes imported on first use, so that `aligntm --help` does not load numpy,
MeCab, Dask or the report templates (PEP 562)."""
from __future__ import annotations

import importlib


def lazy_exports(package: str, exports: dict[str, str]):
    """A module __getattr__ for PACKAGE that imports EXPORTS[name] (a submodule) on first use."""
    def __getattr__(name: str):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(exports[name], package), name)
        setattr(importlib.import_module(package), name, value)
        return value
    return __getattr__
