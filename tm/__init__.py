"""Translation memories: TMX 1.4b writing (and, later, reading and the SQLite memory)."""
from .tmx import TmxWriter, write_tmx

__all__ = ["TmxWriter", "write_tmx"]
