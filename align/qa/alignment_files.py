"""Reading the aligner's JSONL (files, or directories of them as `aligntm batch` writes) into
documents of pairs, checking every record so that a bad file is refused with its line number."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..textio import read_text


@dataclass
class Pair:
    """One bead of an alignment: sentence indices and texts of both sides, as the aligner wrote it."""
    index: int                      # position of the bead in its document (0-based)
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    confidence: float
    src_text: str
    tgt_text: str
    matched: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    src_place: dict = field(default_factory=dict)   # where the side is in its document (see formats/jsonl)
    tgt_place: dict = field(default_factory=dict)
    src_sentences: list[str] | None = None          # each side's sentences, when the file gives them
    tgt_sentences: list[str] | None = None

    @property
    def type(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"

    @property
    def two_sided(self) -> bool:
        return bool(self.src) and bool(self.tgt)


@dataclass
class Document:
    """The pairs of one document. NAME pairs it with its gold and MT files (the file name for a
    file holding one document, as `aligntm batch` names them); SOURCE is the JSONL "doc" field."""
    name: str
    path: Path
    source: str
    src_lang: str
    tgt_lang: str
    pairs: list[Pair]

    @property
    def src_sentences(self) -> int:
        return max((i for p in self.pairs for i in p.src), default=-1) + 1

    @property
    def tgt_sentences(self) -> int:
        return max((j for p in self.pairs for j in p.tgt), default=-1) + 1

    def beads(self) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        return [(p.src, p.tgt) for p in self.pairs]


def alignment_files(paths) -> list[Path]:
    """The files named by PATHS: files as given, directories as all regular files inside (sorted,
    hidden files skipped), so that a `batch` output directory works."""
    files: list[Path] = []
    for given in paths:
        p = Path(given)
        if not p.exists():
            raise InputError(f"{p}: no such file or directory")
        if p.is_dir():
            inside = sorted(q for q in p.iterdir() if q.is_file() and not q.name.startswith("."))
            if not inside:
                raise InputError(f"{p}: directory holds no alignment files")
            files.extend(inside)
        else:
            files.append(p)
    seen = set()
    unique = []
    for f in files:
        if f.resolve() not in seen:
            seen.add(f.resolve())
            unique.append(f)
    return unique


def _indices(value, where: str, side: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0
                                              for i in value):
        raise InputError(f"{where}: \"{side}\" must be a list of sentence indices (0-based integers)")
    return tuple(value)


def _record(line: str, where: str) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise InputError(f"{where}: not JSON ({e.msg}); expected the JSONL of `aligntm align --format jsonl`") from None
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object per line (the JSONL of `aligntm align --format jsonl`)")
    missing = [k for k in ("src", "tgt", "confidence", "src_text", "tgt_text") if k not in record]
    if missing:
        raise InputError(f"{where}: record lacks {', '.join(repr(k) for k in missing)}; expected the JSONL "
                         f"of `aligntm align --format jsonl`")
    return record


def _pair(record: dict, index: int, where: str) -> Pair:
    src = _indices(record["src"], where, "src")
    tgt = _indices(record["tgt"], where, "tgt")
    if not src and not tgt:
        raise InputError(f"{where}: bead with no sentence on either side")
    confidence = record["confidence"]
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
        raise InputError(f"{where}: \"confidence\" must be a number between 0 and 1")
    if not isinstance(record["src_text"], str) or not isinstance(record["tgt_text"], str):
        raise InputError(f"{where}: \"src_text\" and \"tgt_text\" must be strings")
    anchors = record.get("anchors") or {}
    if not isinstance(anchors, dict):
        raise InputError(f"{where}: \"anchors\" must be an object with \"matched\" and \"conflicts\" lists")
    lists = {}
    for key in ("matched", "conflicts"):
        keys = anchors.get(key) or []
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise InputError(f"{where}: anchors.{key} must be a list of anchor keys such as \"n:70\"")
        lists[key] = keys
    places = []
    for key in ("src_place", "tgt_place"):
        place = record.get(key) or {}
        if not isinstance(place, dict):
            raise InputError(f"{where}: \"{key}\" must be an object such as {{\"page\": 3, \"paragraph\": 12}}")
        places.append({k: v for k, v in place.items() if k in ("document", "page", "paragraph", "line")
                       and isinstance(v, (str, int)) and not isinstance(v, bool)})
    sentences = []
    for key, ids in (("src_sentences", src), ("tgt_sentences", tgt)):
        value = record.get(key)
        if value is not None and (not isinstance(value, list) or len(value) != len(ids)
                                  or not all(isinstance(s, str) for s in value)):
            raise InputError(f"{where}: \"{key}\" must be a list of one text per sentence index")
        sentences.append(value)
    return Pair(index, src, tgt, float(confidence), record["src_text"], record["tgt_text"],
                lists["matched"], lists["conflicts"], places[0], places[1], sentences[0], sentences[1])


def _check_no_overlap(doc: Document) -> None:
    """A sentence belongs to one bead at most; two beads holding it would count it twice."""
    for side in ("src", "tgt"):
        bead_of: dict[int, int] = {}
        for p in doc.pairs:
            for i in getattr(p, side):
                if i in bead_of:
                    raise InputError(f"{doc.path}: document {doc.source!r}: {'source' if side == 'src' else 'target'} "
                                     f"sentence {i} is in bead {bead_of[i] + 1} and in bead {p.index + 1}")
                bead_of[i] = p.index


def read_alignment_file(path) -> list[Document]:
    """The documents of one JSONL file, in order of first appearance (or of a review file)."""
    path = Path(path)
    from ..review.journal import is_review_file
    if is_review_file(path):
        return [review_document(path)]
    text = read_text(path)
    records: dict[str, list[tuple[dict, str]]] = {}
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        record = _record(line, where)
        source = str(record.get("doc") or path.name)
        records.setdefault(source, []).append((record, where))
    if not records:
        raise InputError(f"{path}: no alignment records")
    documents = []
    for source, rows in records.items():
        first = rows[0][0]
        name = path.name if len(records) == 1 else Path(source).name
        doc = Document(name=name, path=path, source=source,
                       src_lang=str(first.get("src_lang") or "xx"), tgt_lang=str(first.get("tgt_lang") or "xx"),
                       pairs=[_pair(record, i, where) for i, (record, where) in enumerate(rows)])
        _check_no_overlap(doc)
        documents.append(doc)
    return documents


def read_alignments(paths) -> list[Document]:
    """All documents of the JSONL files or directories PATHS; names made unique."""
    files = alignment_files(paths)
    if not files:
        raise InputError("no alignment files given")
    documents = [doc for f in files for doc in read_alignment_file(f)]
    first_with: dict[str, Document] = {}
    for doc in documents:
        if doc.name in first_with:
            raise InputError(f"{doc.path}: document name {doc.name!r} also comes from "
                             f"{first_with[doc.name].path}; names must be unique to pair them with gold")
        first_with[doc.name] = doc
    return documents


def companion_files(documents: list[Document], path, what: str) -> dict[str, Path]:
    """Per document name, its companion file (gold, MT...): PATH itself for a single document, or
    the file named like the document in the directory PATH (the layout of `aligntm batch`)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if path.is_dir():
        missing = [d.name for d in documents if not (path / d.name).is_file()]
        if missing:
            raise InputError(f"{path}: no {what} for {len(missing)} of the {len(documents)} documents "
                             f"(first: {missing[0]}); files are named like the alignment files")
        return {d.name: path / d.name for d in documents}
    if len(documents) != 1:
        raise InputError(f"{path}: one {what} for {len(documents)} documents; give a directory of "
                         f"files named like the alignment files")
    return {documents[0].name: path}


def review_document(path) -> Document:
    """A review file (`aligntm review`) as the document of pairs it holds now: confirmed and
    edited rows with confidence 1.0."""
    from ..review.reviewed import load_review
    review = load_review(path)
    src, tgt = review.pair()
    pairs = []
    for row, ids in zip(review.rows, review.indices()):
        if not ids[src] and not ids[tgt]:
            continue
        place = {}
        pairs.append(Pair(len(pairs), ids[src], ids[tgt], review.confidence(row), review.text(row, src),
                          review.text(row, tgt), row.get("matched", []), row.get("conflicts", []),
                          dict(place), dict(place), [s["text"] for s in row["cells"][src]],
                          [s["text"] for s in row["cells"][tgt]]))
    path = Path(path)
    name = path.name[:-len(".review.jsonl")] if path.name.endswith(".review.jsonl") else path.name
    return Document(name=name, path=path, source=review.name, src_lang=src, tgt_lang=tgt, pairs=pairs)
