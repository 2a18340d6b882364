"""The C core of the aligner (align/_dpcore.c); everything else is in pyproject.toml.

optional=True: where it cannot be built, aligntm installs all the same and aligns with numpy
(slower on long documents: dp.py, dp_compiled.py)."""
from setuptools import Extension, setup

setup(ext_modules=[Extension("align._dpcore", ["align/_dpcore.c"], libraries=["m"],
                             # a fused multiply-add would round differently from numpy
                             extra_compile_args=["-ffp-contract=off"], optional=True)])
