"""The Detector: spaCy pipeline (tokenizer [+ NER] [+ textcat] + rules) -> Analysis per post.

Importing this module is cheap; spaCy is imported when a Detector is built.
"""

from __future__ import annotations

import gc
import importlib.util
import re
import threading
from contextlib import contextmanager
from dataclasses import replace
from collections import deque
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sized, cast

from ..indicators import TEXT_INDICATORS
from . import registry, resources
from .context import EMPTY, interpret
from .language import FOREIGN_DAMP, foreign_language
from .normalize import normalize_many
from .patterns import patterns_digest
from .scoring import (
    DEFAULT_THRESHOLD, MIN_HIT_SCORE, MIN_MODEL_HIT, MODEL_IDIOM_DAMP, risk_rows,
)
from .types import Analysis, Hit

if TYPE_CHECKING:
    from spacy.pipeline.textcat import TextCategorizer

    from .component import TriageRules

NER_PACKAGE = "en_core_web_sm"
NER_LABELS = ("PERSON", "ORG", "GPE", "FAC", "NORP")
NER_WEIGHT = 0.25  # a named entity alone hardly singles anyone out ...
NER_WEIGHT_WITH_THREAT = 0.6  # ... next to threatening language it does
_MODEL_CONTEXTS = ("gaming", "news", "lyrics")
_POOL_DETECTOR = None


def _as_text(t) -> str:
    return t if isinstance(t, str) else "" if t is None else str(t)


def _raw_span(start: int, end: int, origin: list[int] | None) -> tuple[int, int]:
    """Character span in the tagged text -> span in the raw text (``normalize``'s origin map)."""
    if not origin:
        return start, end
    return origin[start], origin[end - 1] + 1


@contextmanager
def _old_objects_frozen():
    """Keep the objects that exist now (the pipeline, the rule index, the caller's data: a
    quarter of a million here) out of the cyclic garbage collector's full passes while a batch
    is tagged. Tagging allocates many short-lived objects, which trigger those passes, and each
    would walk every old object again: ~10-20 % of the tagging time, measured. Nothing is lost:
    the objects go back to the collector afterwards. Left alone where something else froze."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    # Nor do the young-generation passes run during the batch: they would walk the batch's own
    # objects again and again. The few cycles it leaves (a Doc and the Tokens read from it) are
    # collected by the first pass after it.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()


def _fork_context():
    import multiprocessing

    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


def _worker_init() -> None:
    """In each forked tagging worker: leave Ctrl-C to the parent (which stops the pool), let
    SIGTERM end it, and die with the parent on Linux, so a killed import leaves no orphan workers."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # a handler inherited from the CLI (collect's "stop after this batch") would make the pool's
    # own SIGTERM on shutdown a no-op and hang it
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown still ends workers
        pass


def _pool_work(chunk: list[str], batch_size: int) -> list[tuple]:
    """Score a chunk in a worker. What travels back is the batch's score matrix and risks as two
    numpy arrays (each pickled as one buffer) and the evidence of the few posts that have any as
    plain tuples: the parent, which unpickles every result and builds the Analyses, is what
    limits the pool, and it unpickled a tuple of floats and a dataclass or two per post before."""
    det = _POOL_DETECTOR
    assert det is not None  # the parent sets it before forking the pool
    out = []
    for i in range(0, len(chunk), batch_size):
        with _old_objects_frozen():
            table, risks, hits = det._score_batch(chunk[i:i + batch_size], batch_size)
        out.append((table, risks, {j: [(h.indicator, h.score, h.start, h.end, h.text, h.rule, h.origin)
                                        for h in post_hits] for j, post_hits in hits.items()}))
    return out


_ZERO = {i: 0.0 for i in TEXT_INDICATORS}


def _vocabulary(patterns):
    """``known(word)``: whether a lower-case word is one the rules or the word classes spell
    (normalize uses it to shrink a stretched word to a spelling the detector will match)."""
    from .lexicon import load_word_classes

    words = set(load_word_classes())
    for entries in list(patterns.lists.values()) + list(patterns.aliases.values()):
        for entry in entries:
            words.update(re.findall(r"[a-z']+", entry.lower()))
    words.update(patterns.aliases)
    for rule in patterns.rules:
        for text in list(getattr(rule, "terms", ()) or ()) + list(getattr(rule, "match", ()) or ()):
            words.update(re.findall(r"[a-z']+", str(text).lower()))
    return frozenset(words).__contains__


class Detector:
    """Tag posts with the text indicators and a risk score.

    ``model``: as the model registry names them (``triage.detector.registry``): ``"starter"`` the
    shipped model (rules only when the package has none), ``"active"`` the model `triage models
    activate` chose (else the starter), ``None`` rules only, or the path of a model directory
    written by ``train_textcat``. The default is the starter model, so a Detector built from
    Python scores the same whatever the analysts activated; tagging the store asks for "active".
    ``use_ner``: use PERSON/ORG/GPE/FAC/NORP entities of ``en_core_web_sm`` for ``target``;
    ``None`` = when that package is installed. ``patterns_dir`` overrides ``data/patterns``.
    """

    def __init__(self, threshold: float | None = None, model: str | None = registry.STARTER, *,
                 patterns_dir: str | Path | None = None, use_ner: bool | None = None):
        import spacy

        from . import component  # noqa: F401  (registers the "triage_rules" factory)
        from . import model as model_mod

        self.threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
        self._pool = None
        self._pool_size = 0
        pdir = Path(patterns_dir) if patterns_dir else resources.patterns_dir()
        if use_ner is None:
            use_ner = importlib.util.find_spec(NER_PACKAGE) is not None
        if use_ner:
            nlp = spacy.load(NER_PACKAGE, exclude=["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"])
        else:
            nlp = spacy.blank("en")
        nlp.max_length = 10_000_000
        self.model_info = None
        mdir = registry.model_dir(model)
        if mdir is not None:
            info = model_mod.read_info(mdir)
            src = model_mod.load_pipeline(info)
            nlp.add_pipe(model_mod.PIPE_NAME, source=src)
            self.model_info = info
        nlp.add_pipe("triage_rules", config={"patterns_dir": str(pdir)})
        self.nlp = nlp
        self._rules = cast("TriageRules", nlp.get_pipe("triage_rules")).matcher
        self._use_ner = bool(use_ner)
        rules_id = "rules-" + patterns_digest(pdir)[:12]
        self.version = rules_id + (f"+model-{self.model_info.model_id}" if self.model_info else "")
        if self._use_ner:
            self.version += "+ner-" + nlp.meta.get("version", "?")
        blend: list[tuple[str, float]] = []
        if self.model_info:
            blend = [
                (lab, model_mod.blend_weight(self.model_info, lab))
                for lab in self.model_info.labels if lab in TEXT_INDICATORS
            ]
        self._context = self._rules.patterns.context
        from .chunks import ChunkReader

        self._chunks = ChunkReader(nlp.tokenizer)  # the posts' chunks, tokenized once (see chunks.py)
        self._known = _vocabulary(self._rules.patterns)
        self._english_hashes: frozenset[int] | None = None  # NORM hashes of language.ENGLISH_WORDS, made on first use
        self._word_weights: dict[int, list[float]] = {}  # NORM hash -> the model's unigram weight per label
        self._textcat = cast("TextCategorizer", nlp.get_pipe(model_mod.PIPE_NAME)) if self.model_info else None
        self._off_pipe = [model_mod.PIPE_NAME] if self.model_info else []
        # (label, blend weight, column of the label in the model's output)
        self._model_labels: list[tuple[str, float, int]] = []
        if self._textcat is not None:
            columns = {lab: j for j, lab in enumerate(self._textcat.labels)}
            self._model_labels = [(lab, w, columns[lab]) for lab, w in blend]

    # ------------------------------------------------------------------ public API

    def analyze(self, text: str) -> Analysis:
        return next(self.analyze_many([text], batch_size=1))

    def analyze_many(self, texts: Iterable[str], batch_size: int = 1000, n_process: int = 1) -> Iterator[Analysis]:
        """Analyses in input order; texts go through ``nlp.pipe`` in batches.

        ``n_process > 1`` tags batches in forked worker processes (Linux/macOS ``fork``). Where
        fork is not available, or other threads run in this process when the pool would be
        started (forking a threaded process can deadlock), it tags in-process instead. At most
        two batches per worker are in flight, so memory stays bounded.
        """
        if n_process > 1 and self._can_pool(n_process):
            yield from self._analyze_pool(texts, batch_size, n_process)
            return
        it = iter(texts)
        while True:
            chunk = [_as_text(t) for t in islice(it, batch_size)]
            if not chunk:
                return
            with _old_objects_frozen():
                analyses = self._analyses(*self._score_batch(chunk, batch_size))
            yield from analyses

    def _score_batch(self, chunk: list[str], batch_size: int) -> tuple[Any, Any, dict[int, list[Hit]]]:
        """The scores of one batch: a matrix (a row per post, a column per TEXT_INDICATORS), the
        risk of each post and the evidence of the posts that have any (by row).

        The rules run post by post; then the model, its blend with the rules and the risk score
        run for the whole batch at once, as numpy columns rather than as Python per post; only
        the few posts with evidence are looked at one by one after the rules (model words,
        language check)."""
        n = len(chunk)
        squeezed = normalize_many(chunk, self._known)
        tagged_texts = [q[0] for q in squeezed]
        docs, norm_arrays, norm_lists, raws = self._read(tagged_texts, batch_size)
        rows: list[list[float] | None] = [None] * n  # rule (and NER) score per TEXT_INDICATORS
        contexts: dict[int, frozenset[str]] = {}  # post-level contexts in force, where any
        hits: dict[int, list[Hit]] = {}  # evidence, where any
        for i, raw in enumerate(raws):
            if not raw and not self._use_ner:
                continue  # the rules found nothing: the post's scores are the model's alone
            scores, ctx, post_hits = self._evidence(docs[i], raw, chunk[i], *squeezed[i], norm_lists[i])
            if scores is not None:
                rows[i] = [scores[k] for k in TEXT_INDICATORS]
            if ctx:
                contexts[i] = ctx
            if post_hits:
                hits[i] = post_hits
        import numpy

        table = numpy.zeros((n, len(TEXT_INDICATORS)))
        for i, row in enumerate(rows):
            if row is not None:
                table[i] = row
        if self._model_labels:
            self._blend_model(table, docs, norm_arrays, contexts, hits)
        for i, post_hits in hits.items():
            if table[i].max() >= MIN_HIT_SCORE:
                lang = foreign_language(chunk[i], self._english_words(norm_lists[i]))
                if lang:  # rules and model read English: a foreign post's evidence is weak at best
                    table[i] *= FOREIGN_DAMP
                    hits[i] = [replace(h, score=round(h.score * FOREIGN_DAMP, 4), rule=f"{h.rule}/lang:{lang}")
                               for h in post_hits]
        return table, risk_rows(table, TEXT_INDICATORS), hits

    def _analyses(self, table, risks, hits: dict[int, list[Hit]]) -> list[Analysis]:
        """One Analysis per row of ``_score_batch``'s result."""
        flagged = (risks >= self.threshold).tolist()
        return [Analysis(scores=dict(zip(TEXT_INDICATORS, score_row)), risk=r, flagged=f, hits=hits.get(i, []))
                for i, (score_row, r, f) in enumerate(zip(table.tolist(), risks.tolist(), flagged))]

    def _read(self, tagged_texts: list[str], batch_size: int) -> tuple[list, list, list[list[int]], list]:
        """The batch's Docs, their NORM hashes (as arrays for the model, as lists for the rules and
        cues: read once) and their raw rule matches."""
        if not self._use_ner:
            return self._read_chunks(tagged_texts)
        from spacy.attrs import NORM

        from .component import MATCHES_KEY

        # the entity recognizer reads the whole Doc: every post is tokenized whole
        docs = list(self.nlp.pipe(tagged_texts, batch_size=batch_size, disable=self._off_pipe))
        raws = [doc.user_data.get(MATCHES_KEY) for doc in docs]
        arrays = [doc.to_array(NORM) for doc in docs]
        return docs, arrays, [a.tolist() for a in arrays], raws

    def _read_chunks(self, tagged_texts: list[str]) -> tuple[list, list, list[list[int]], list]:
        """``_read`` without NER: each post's NORM hashes from the chunk cache where its text is
        plain (single spaces), else from its Doc; a ``ChunkDoc`` stands in for the Doc where none
        was built. Tokenizer and rules are called directly: the same work as nlp.pipe without its
        per-component generator chain and error wrapping, a few µs a post."""
        import numpy
        from spacy.attrs import NORM

        from .chunks import ChunkDoc

        tokenizer: Any = self.nlp.tokenizer  # spaCy's compiled Tokenizer: no type information
        reader = self._chunks
        rules = self._rules
        docs: list = []
        arrays: list = []
        lists: list[list[int]] = []
        raws: list = []
        for t in tagged_texts:
            got = reader.read(t)
            if got is None:
                doc = tokenizer(t)
                array = doc.to_array(NORM)
                norms = array.tolist()
            else:
                norms = got[0]
                doc = ChunkDoc(t, norms, got[1], got[2], reader)
                array = numpy.array(norms, dtype=numpy.uint64)
            docs.append(doc)
            arrays.append(array)
            lists.append(norms)
            raws.append(rules(doc, norms))
        return docs, arrays, lists, raws

    def _analyze_pool(self, texts: Iterable[str], batch_size: int, n_process: int) -> Iterator[Analysis]:
        pool = self._get_pool(n_process)
        if hasattr(texts, "__len__"):
            # a short input still gives every worker a share (two chunks each)
            batch_size = max(1, min(batch_size, -(-len(cast(Sized, texts)) // (2 * n_process))))
        pending: deque = deque()
        it = iter(texts)
        while True:
            while len(pending) < 2 * n_process:
                chunk = [_as_text(t) for t in islice(it, batch_size)]
                if not chunk:
                    break
                pending.append(pool.apply_async(_pool_work, (chunk, batch_size)))
            if not pending:
                break
            for table, risks, hits in pending.popleft().get():
                yield from self._analyses(table, risks, {i: [Hit(*h) for h in post_hits]
                                                         for i, post_hits in hits.items()})

    def _can_pool(self, n_process: int) -> bool:
        """Whether worker processes may be used: fork is available, and either the pool exists or
        this process runs no other thread (a thread holding a lock at fork time would leave the
        child deadlocked; then tagging stays in this process, only slower)."""
        if _fork_context() is None:
            return False
        if self._pool is not None and self._pool_size == n_process:
            return True
        return threading.active_count() == 1

    def _get_pool(self, n_process: int):
        """Worker processes forked from this one (they inherit the built pipeline), kept for reuse."""
        global _POOL_DETECTOR
        if self._pool is not None and self._pool_size == n_process:
            return self._pool
        self.close()
        _POOL_DETECTOR = self
        self._pool = _fork_context().Pool(n_process, initializer=_worker_init)
        self._pool_size = n_process
        return self._pool

    @property
    def processes(self) -> int:
        """How many processes tag right now: the pool's size, or 1 (this process)."""
        return self._pool_size if self._pool is not None else 1

    def close(self) -> None:
        """Stop the worker processes of ``analyze_many(n_process > 1)``, if any."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            self._pool_size = 0

    # ------------------------------------------------------------------ internals

    def _evidence(self, doc, raw, text: str, tagged: str, origin, norms: list[int]
                  ) -> tuple[dict[str, float] | None, frozenset[str], list[Hit]]:
        """What the rules (and NER) say about one post: the rule score per indicator (None when no
        indicator rule hit), the post-level contexts in force, and the evidence with spans in the
        raw text. ``raw``: the rule matches of ``doc``; ``text``: the raw input; ``tagged``: what the
        pipeline saw (``normalize``d), mapped back by ``origin``; ``norms``: the doc's NORM hashes."""
        interp = interpret(doc, raw, self._rules, tagged, norms) if raw else EMPTY
        hits: list[Hit] = []
        scores = interp.scores
        if scores is not None:
            for h in interp.hits:
                if h.score < MIN_HIT_SCORE:
                    continue
                cs = doc[h.start].idx
                last = doc[h.end - 1]
                ce = last.idx + len(last)
                cs, ce = _raw_span(cs, ce, origin)
                hits.append(Hit(h.indicator, round(h.score, 4), cs, ce, text[cs:ce], h.rule, "rule"))
        if self._use_ner and doc.ents:
            if scores is None:
                scores = dict(_ZERO)
            self._ner_hits(doc, scores, hits, text, origin)
        return scores, interp.doc_contexts, hits

    def _blend_model(self, table, docs: list, norm_arrays: list, contexts: dict[int, frozenset[str]],
                     hits: dict[int, list[Hit]]) -> None:
        """Blend the model's probabilities into ``table`` (rule scores, one row per post, columns
        TEXT_INDICATORS), a label at a time over the whole batch, and add a model hit where the
        model alone is strong enough to report.

        Per post: m = probability, times the factor of each post-level context in force (and
        MODEL_IDIOM_DAMP next to an idiom where no rule of the label survived); then
        s = 1 - (1 - r)(1 - weight * m) (scoring.blend), each step the same float operation as
        that formula computed post by post."""
        import numpy

        assert self.model_info is not None and self._textcat is not None  # only with a loaded model
        probs = self._predict(norm_arrays)
        model_id = self.model_info.model_id
        for label, weight, column in self._model_labels:
            j = TEXT_INDICATORS.index(label)
            m = probs[:, column].astype(numpy.float64)
            if contexts:
                factors = self._context[label]
                for kind in _MODEL_CONTEXTS:
                    at = [i for i, ctx in contexts.items() if kind in ctx]
                    if at:
                        m[at] *= factors.get(kind, 1.0)
                at = [i for i, ctx in contexts.items() if "idiom" in ctx and table[i, j] < MIN_HIT_SCORE]
                if at:
                    m[at] *= MODEL_IDIOM_DAMP
            wm = weight * m
            table[:, j] = 1.0 - (1.0 - table[:, j]) * (1.0 - wm)
            for i in numpy.flatnonzero(wm >= MIN_MODEL_HIT).tolist():  # a few posts in ten thousand
                words = self._model_words(docs[i], column)
                hits.setdefault(i, []).append(Hit(label, round(float(wm[i]), 4), 0, 0, "",
                                                  f"model:{model_id} ({words})" if words else f"model:{model_id}",
                                                  "model"))

    def _predict(self, norm_arrays: list):
        """The model's probabilities for a batch (one row per post, by label column), from the
        posts' NORM arrays, which the featurizer would otherwise read from each Doc again. As
        ``TextCategorizer.predict``: a batch without a single token gets zeros."""
        import numpy

        assert self._textcat is not None
        if not any(len(a) for a in norm_arrays):
            return numpy.zeros((len(norm_arrays), len(self._textcat.labels)))
        return numpy.asarray(self._textcat.model.predict(norm_arrays))

    def _english_words(self, norms: list[int]) -> int:
        """How many tokens of the post are unmistakably English words (language.ENGLISH_WORDS)."""
        if self._english_hashes is None:
            from spacy.strings import get_string_id

            from .language import ENGLISH_WORDS

            self._english_hashes = frozenset(get_string_id(w) for w in ENGLISH_WORDS)
        english = self._english_hashes
        return sum(1 for h in norms if h in english)

    def _model_words(self, doc, column: int, top: int = 3) -> str:
        """The words of a post that weighed most for one model label (its unigram weights), for
        the analyst to see why a model-only score stands. Only asked for posts the model reports;
        each word's weights are looked up once and kept."""
        import numpy

        from .fit import murmur3_32_uint64

        cache = self._word_weights
        norms = [t.norm for t in doc]
        missing = [n for n in set(norms) if n not in cache]
        if missing:
            if len(cache) > 500_000:
                cache.clear()
            assert self._textcat is not None  # asked only for a label the model reported
            linear = self._textcat.model.get_ref("output_layer")
            length = linear.get_dim("length")
            weights = numpy.asarray(linear.get_param("W")).reshape(-1, length)
            keys = numpy.array(missing, dtype=numpy.uint64)
            per_word = cast(numpy.ndarray, sum(
                weights[:, (murmur3_32_uint64(keys, seed) % numpy.uint32(length)).astype(numpy.int64)]
                for seed in (0, 1)))
            for j, n in enumerate(missing):
                cache[n] = per_word[:, j].tolist()
        ranked = sorted(range(len(norms)), key=lambda i: -cache[norms[i]][column])
        seen: list[str] = []
        for i in ranked:
            if cache[norms[i]][column] <= 0 or len(seen) == top:
                break
            word = doc[i].lower_
            if word.isalnum() and word not in seen:
                seen.append(word)
        return ", ".join(seen)

    def _ner_hits(self, doc, scores: dict[str, float], hits: list[Hit], text: str | None = None, origin=None) -> None:
        weight = NER_WEIGHT_WITH_THREAT if scores.get("threat", 0.0) >= 0.3 else NER_WEIGHT
        miss = 1.0 - scores["target"]
        text = doc.text if text is None else text
        for ent in doc.ents:
            if ent.label_ in NER_LABELS:
                cs, ce = ent.start_char, ent.end_char
                cs, ce = _raw_span(cs, ce, origin)
                hits.append(Hit("target", weight, cs, ce, text[cs:ce], f"ner:{ent.label_}", "ner"))
                miss *= 1.0 - weight
        scores["target"] = 1.0 - miss
