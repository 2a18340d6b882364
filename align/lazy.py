"""Package attributes imported on first use, so that `aligntm --help` does not load numpy,
MeCab, Dask or the report templates (PEP 562). It imports nothing itself: the package `align`
loads it before `align.run`, the `aligntm` script's entry, exists, where a Ctrl-C would still
end in a traceback."""


def lazy_exports(package: str, exports: dict[str, str]):
    """A module __getattr__ for PACKAGE that imports EXPORTS[name] (a submodule) on first use."""
    def __getattr__(name: str):
        import importlib
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(exports[name], package), name)
        setattr(importlib.import_module(package), name, value)
        return value
    return __getattr__
