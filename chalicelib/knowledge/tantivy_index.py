"""The knowledge bank's search index in the API process: tantivy (Rust, through its Python binding), built from
DynamoDB by a job, shipped as one archive, opened read-only where the API runs.

One tantivy document per phrasing: the core entry (its question, with the answer in fields of its own) and each of
its scenarios, all carrying the entry's filter values. Text is analysed here, by `text.py`, and handed to tantivy
as ready terms (whitespace tokenizer): exact and folded syllables, exact and folded bigrams. BM25 ranks; hits are
collapsed to entries through the `entry` fast field.

`import tantivy` happens on first use, not when this module is imported (a cold start that serves no search
does not pay for it).
"""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import query as q
from .entry_table import FOREVER, Admission, EntryTable
from .search import ANSWERABLE, NATIONAL, IndexedEntry, SearchFilters, SearchHit
from .text import analyse, index_terms, normalise

if TYPE_CHECKING:  # pragma: no cover
    import tantivy

FORMAT = 1  # bump when the schema or the analysis changes: an index of another format is rebuilt, not opened
MANIFEST = "knowledge-index.json"
_CORE = -1  # `part` of the core document; scenarios count from 0
_TEXT = {"tokenizer_name": "whitespace", "index_option": "freq"}


def _tantivy() -> Any:
    import tantivy  # lazy on purpose: a cold start that serves no search never loads it

    return tantivy


def _schema() -> tantivy.Schema:
    builder = _tantivy().SchemaBuilder()
    for name in (
        "phrase_exact",
        "phrase_folded",
        "phrase_exact2",
        "phrase_folded2",
        "answer_exact",
        "answer_folded",
        "answer_folded2",
    ):
        builder.add_text_field(name, **_TEXT)
    builder.add_text_field("topic", **_TEXT)  # the topic and each of its ancestors
    for name in ("tenant", "status", "audience", "core"):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("entry", fast=True)
    builder.add_integer_field("part", fast=True)
    builder.add_integer_field("valid_from", indexed=True, fast=True)
    builder.add_integer_field("valid_until", indexed=True, fast=True)
    builder.add_bytes_field("stored", stored=True)  # JSON: entry id, the phrasing, the question; not searched
    builder.add_bytes_field("answer", stored=True)  # the answer (core documents), read when a hit matched it
    return builder.build()


def _ancestors(topic: str) -> str:
    parts = topic.split(".")
    return " ".join(".".join(parts[: i + 1]) for i in range(len(parts)))


def _document(entry: IndexedEntry, ordinal: int, part: int) -> Any:
    tantivy = _tantivy()
    doc = tantivy.Document()
    text = entry.question if part == _CORE else entry.scenarios[part]
    terms = index_terms(analyse(text))
    doc.add_text("phrase_exact", " ".join(terms.exact))
    doc.add_text("phrase_folded", " ".join(terms.folded))
    doc.add_text("phrase_exact2", " ".join(terms.exact_bigrams))
    doc.add_text("phrase_folded2", " ".join(terms.folded_bigrams))
    stored: dict[str, Any] = {"id": entry.id, "text": normalise(text)}
    if part == _CORE:
        answer = index_terms(analyse(entry.answer))
        doc.add_text("answer_folded", " ".join(answer.folded))
        doc.add_text("answer_folded2", " ".join(answer.folded_bigrams))
        doc.add_text("core", entry.id)
        doc.add_bytes("answer", normalise(entry.answer).encode())
    else:
        stored["question"] = normalise(entry.question)
    doc.add_bytes("stored", json.dumps(stored, ensure_ascii=False).encode())
    doc.add_text("topic", _ancestors(entry.topic))
    doc.add_text("tenant", entry.tenant)
    doc.add_text("status", entry.status)
    doc.add_text("audience", entry.audience)
    doc.add_unsigned("entry", ordinal)
    doc.add_integer("part", part)
    doc.add_integer("valid_from", entry.valid_from.toordinal())
    doc.add_integer("valid_until", entry.valid_until.toordinal() if entry.valid_until else FOREVER)
    return doc


@dataclass(frozen=True)
class BuildStats:
    """What a build wrote: entries, documents (entries + scenarios), segments."""

    entries: int
    documents: int
    segments: int


def build_index(entries: Iterable[IndexedEntry], directory: Path, *, heap_bytes: int = 512_000_000) -> BuildStats:
    """Write a fresh index of `entries` into the empty or absent `directory` (one writer thread: fewer segments)."""
    tantivy = _tantivy()
    directory.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_schema(), path=str(directory), reuse=False)
    writer = index.writer(heap_size=heap_bytes, num_threads=1)
    table = EntryTable()
    documents = 0
    for entry in entries:
        ordinal = table.add(entry)
        for part in (_CORE, *range(len(entry.scenarios))):
            writer.add_document(_document(entry, ordinal, part))
            documents += 1
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    segments = index.searcher().num_segments
    count = len(table.rows) // 6
    manifest = {"format": FORMAT, "entries": count, "documents": documents, "segments": segments} | table.save(directory)
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return BuildStats(count, documents, segments)


def pack(directory: Path, archive: Path) -> Path:
    """One gzip'd tar of the index directory, to store (S3) and ship."""
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        for path in sorted(directory.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                tar.add(path, arcname=path.name)
    return archive


def unpack(archive: Path, directory: Path) -> Path:
    """Extract an archive made by `pack` into `directory` (e.g. under /tmp at cold start); returns `directory`."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=directory.parent))  # beside the target, so the swap is one rename
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(staging, filter="data")
    shutil.rmtree(directory, ignore_errors=True)
    staging.rename(directory)
    return directory


class IndexFormatError(RuntimeError):
    """The directory holds no index, or one of another format: rebuild it."""


def open_index(directory: Path) -> TantivySearchIndex:
    """Open a built index read-only."""
    manifest_path = directory / MANIFEST
    if not manifest_path.exists():
        raise IndexFormatError(f"no knowledge index in {directory}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise IndexFormatError(f"knowledge index format {manifest.get('format')} in {directory}, expected {FORMAT}")
    return TantivySearchIndex(_tantivy().Index.open(str(directory)), EntryTable.load(directory, manifest))


class TantivySearchIndex:
    """`SearchIndex` over an opened tantivy index and its entry table.

    The usual search (the agent's: national plus own entries, published, valid) asks tantivy for the best
    phrasings of the words alone — the engine can then skip what cannot reach the top — and filters them by the
    entry table; a narrow search (a topic, internal entries, a province's own) asks with the filters inside the
    query instead, and so does a usual one whose best phrasings were all filtered out.
    """

    NARROW_SHARE = 0.2  # below this expected share of admitted texts, filter inside the query
    PHRASINGS_PER_HIT = 40  # the first read: an entry has ~55 scenarios, several of which match alike
    MAX_DOCUMENTS = 3200  # phrasings read to fill `limit` entries before filtering inside the query instead
    COMMON_FROM = 20_000  # phrasings: below this, every term is scored
    COMMON_SHARE = 0.2  # of the phrasings: a term in more is too common to be worth its cost …
    COMMON_KEPT = 4  # … unless every term is: then the least common ones are kept

    def __init__(self, index: Any, table: EntryTable) -> None:
        self._index = index
        self._table = table
        self._schema = index.schema
        self._searcher = index.searcher()
        self._documents = max(self._searcher.num_docs, 1)

    def search(self, *, tenant: str, text: str, on: date, filters: SearchFilters = ANSWERABLE) -> list[SearchHit]:
        """Up to `filters.limit` distinct core entries for `text`, best first."""
        plan = q.plan(text, frequency=self._frequency, size=self._documents)
        if plan.empty:
            return []
        scoring = self._scoring(plan)
        admit = self._table.admission(tenant=tenant, on=on, filters=filters)
        best = self._best(scoring, filters.limit, admit) if admit.share >= self.NARROW_SHARE else None
        if best is None:
            tantivy = _tantivy()
            narrowed = tantivy.Query.const_score_query(self._filter(tenant, on, filters), 0.0)
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, scoring), (tantivy.Occur.Must, narrowed)])
            best = self._best(query, filters.limit, None) or []
        return [self._hit(number, address, score, plan, on) for number, (address, score) in best]

    def _frequency(self, word: str) -> int:
        """In how many texts (phrasings or answers) the bank has this folded word."""
        return sum(self._searcher.doc_freq(field, word) for field in ("phrase_folded", "answer_folded"))

    def _best(self, query: Any, limit: int, admit: Admission | None) -> list[tuple[int, tuple[Any, float]]] | None:
        """The best document of each of the `limit` best admitted entries, reading more phrasings while they crowd
        or are filtered out; None when MAX_DOCUMENTS were not enough (filter inside the query instead)."""
        wanted = limit * self.PHRASINGS_PER_HIT
        while True:
            hits = self._searcher.search(query, wanted, count=False).hits
            numbers = self._searcher.fast_field_values("entry", [address for _, address in hits])
            ranked = (
                (n, (address, score)) for (score, address), n in zip(hits, numbers, strict=True) if admit is None or admit(n)
            )
            best = list(q.collapse(ranked, limit))
            if len(best) == limit or len(hits) < wanted:
                return best
            if wanted >= self.MAX_DOCUMENTS:
                return None if admit is not None else best
            wanted *= 4

    def _scoring(self, plan: q.QueryPlan) -> Any:
        """The plan as one disjunction of weighted terms (without the very common ones, in a large bank)."""
        tantivy = _tantivy()
        wanted: list[tuple[str, str, float]] = []
        for word in plan.words:
            for term in word.folded:
                wanted += [
                    ("phrase_folded", term, q.FOLDED_WEIGHT * q.PHRASE_WEIGHT),
                    ("answer_folded", term, q.FOLDED_WEIGHT * q.ANSWER_WEIGHT),
                ]
            wanted += [("phrase_exact", term, q.EXACT_WEIGHT * q.PHRASE_WEIGHT) for term in word.exact]
        for bigram in plan.folded_bigrams:
            wanted += [
                ("phrase_folded2", bigram, q.BIGRAM_WEIGHT * q.PHRASE_WEIGHT),
                ("answer_folded2", bigram, q.BIGRAM_WEIGHT * q.ANSWER_WEIGHT),
            ]
        wanted += [("phrase_exact2", bigram, q.EXACT_BIGRAM_WEIGHT * q.PHRASE_WEIGHT) for bigram in plan.exact_bigrams]
        clauses = [
            (tantivy.Occur.Should, tantivy.Query.boost_query(tantivy.Query.term_query(self._schema, field, term), weight))
            for field, term, weight in self._telling(wanted)
        ]
        for word in plan.words:
            if word.neighbours:  # one constant score however many neighbours a phrasing holds
                near = [
                    tantivy.Query.const_score_query(
                        tantivy.Query.term_query(self._schema, "phrase_folded", n), word.neighbour_weight
                    )
                    for n in word.neighbours
                ]
                clauses.append((tantivy.Occur.Should, tantivy.Query.disjunction_max_query(near)))
        return tantivy.Query.boolean_query(clauses)

    def _telling(self, wanted: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
        """The terms worth scoring. In a bank of COMMON_FROM phrasings or more, a term found in more than
        COMMON_SHARE of them ("bảo hiểm xã hội" is in most) is left out when rarer terms remain: its idf adds
        almost nothing to a score, and its long posting list is most of what a search would cost."""
        if self._documents < self.COMMON_FROM:
            return wanted
        ceiling = self.COMMON_SHARE * self._documents
        counted = [(self._searcher.doc_freq(field, term), (field, term, weight)) for field, term, weight in wanted]
        rare = [clause for found, clause in counted if found <= ceiling]
        return rare or [clause for _, clause in sorted(counted)[: self.COMMON_KEPT]]

    def _filter(self, tenant: str, on: date, filters: SearchFilters) -> Any:
        tantivy = _tantivy()
        schema, must = self._schema, tantivy.Occur.Must
        clauses = [
            (must, tantivy.Query.term_set_query(schema, "tenant", sorted({tenant, NATIONAL}))),
            (must, tantivy.Query.term_set_query(schema, "status", sorted(filters.statuses))),
        ]
        if filters.audience:
            clauses.append((must, tantivy.Query.term_query(schema, "audience", filters.audience)))
        if filters.topic:
            clauses.append((must, tantivy.Query.term_query(schema, "topic", filters.topic)))
        if filters.current_only:
            day, integer = on.toordinal(), tantivy.FieldType.Integer
            clauses.append((must, tantivy.Query.range_query(schema, "valid_from", integer, upper_bound=day)))
            clauses.append((must, tantivy.Query.range_query(schema, "valid_until", integer, lower_bound=day)))
        return tantivy.Query.boolean_query(clauses)

    def _hit(self, number: int, address: Any, score: float, plan: q.QueryPlan, on: date) -> SearchHit:
        document = self._searcher.doc(address)
        stored = json.loads(document["stored"][0])
        (part,) = self._searcher.fast_field_values("part", [address])
        question = stored.get("question", stored["text"])
        scenario = None if part == _CORE else int(part)  # type: ignore[arg-type]
        answer = "" if scenario is not None or q.highlight(question, plan) else document["answer"][0].decode()
        tenant, topic, status, audience, valid_from, valid_until = self._table.describe(number)
        entry = IndexedEntry(stored["id"], tenant, topic, question, answer, valid_from, valid_until, (), audience, status)
        return q.hit(entry, score=float(score), query=plan, on=on, scenario=scenario, scenario_text=stored["text"])
