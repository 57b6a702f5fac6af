"""Bag-of-ngrams text classifier architectures for spaCy's textcat_multilabel.

``triage.TextCatBOW.v2`` (what ``train_textcat`` builds) adds word-class features to v1's
n-grams: every word in ``data/lexicon/word_classes.toml`` also yields its class, each pair of
classes up to three words apart, and each class with the word beside it. The n-grams learn a
corpus's vocabulary; the classes carry what transfers to text the model never saw (measured
across corpora: see the README's detector table). The model keeps the table it was trained
with (a thinc attr, saved with the weights), so a later edit of the file changes only new models.

``triage.TextCatBOW.v1`` (models trained before v2) is spaCy's ``spacy.TextCatBOW.v3`` (hashed ngram features -> sparse
linear layer -> logistic) with two changes:

* features are built on NORM (lower case, "'m" = "am") rather than ORTH, so "KILL" and "kill"
  share a weight and the model agrees with the rules' view of words;
* the featurizer skips spaCy's per-document ``numpy.unique`` (the sparse layer sums repeated
  keys anyway), hashes the n-grams of a whole batch in one go, and scales each post's features
  by 1/sqrt(length), so a long post does not win by length alone. Every post goes through the
  model, so its cost per post matters as much as the tokenizer's.

Importing this module registers the architectures (the Detector and ``train_textcat`` do; stock
spaCy finds them through the ``spacy_architectures`` entry point).
"""

from __future__ import annotations

from functools import partial
from typing import List, Optional, cast

import numpy
from spacy.attrs import NORM
from spacy.ml.models.textcat import NEG_VALUE, resize_and_set_ref
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Logistic, Model, SparseLinear_v2, chain, resizable, with_cpu
from thinc.layers.resizable import resize_linear_weighted
from thinc.types import Floats2d


def _norms(docs):
    """Each doc's NORM hashes, how many docs, and each doc's length."""
    arrs = [_norm_array(doc) for doc in docs]
    n_docs = len(arrs)
    return arrs, n_docs, numpy.fromiter(map(len, arrs), dtype="int64", count=n_docs)


def _batch_unigrams(docs):
    """(n_docs, each doc's length, the batch's NORM hashes end to end, the doc of each), or the
    number of docs when the batch holds no token at all."""
    arrs, n_docs, lens = _norms(docs)
    if not n_docs or not lens.sum():
        return n_docs
    uni = numpy.concatenate(arrs).astype("uint64", copy=False)
    return n_docs, lens, uni, numpy.repeat(numpy.arange(n_docs), lens)


def _norm_array(doc):
    """A Doc's NORM hashes; a post may also come as that array already (the Detector passes its
    posts so, having read the array for the rules, and keeps no Doc alive for the model)."""
    if isinstance(doc, numpy.ndarray):
        return doc
    return doc.to_array(NORM).reshape(-1)


def _no_features(ops, n_docs: int):
    """(keys, values, lengths) of a batch without a single token."""
    return (ops.asarray(numpy.zeros((0,), dtype="uint64"), dtype="uint64"),
            ops.asarray(numpy.zeros((0,), dtype="f"), dtype="f"),
            ops.asarray(numpy.zeros(n_docs, dtype="int32"), dtype="int32"))


def norm_ngrams(ngram_size: int) -> Model:
    model: Model = Model("norm_ngrams", _ngrams_forward)
    model.attrs["ngram_size"] = ngram_size
    return model


def _ngrams_forward(model: Model, docs, is_train: bool):
    """Hashed NORM n-grams of a whole batch, computed on the batch at once.

    Each doc's keys must be one contiguous segment (unigrams, then bigrams, ...) for
    ``SparseLinear``. Rather than building numpy arrays doc by doc (a dozen small numpy calls a
    post, which cost more than tokenizing it), the NORM arrays are concatenated once, n-grams are
    hashed over the concatenation, windows that straddle two docs are dropped, and every key is
    scattered to its doc's segment by index arithmetic."""
    ops = model.ops
    n = model.attrs["ngram_size"]
    batch = _batch_unigrams(docs)
    if isinstance(batch, int):
        return _no_features(ops, batch), lambda dY: []
    n_docs, lens, uni, doc_of = batch
    uni_start = numpy.concatenate(([0], numpy.cumsum(lens)[:-1]))
    # per doc: how many k-grams it has, for k = 1..n
    counts = [lens] + [numpy.maximum(lens - (k - 1), 0) for k in range(2, n + 1)]
    seg_len = numpy.sum(counts, axis=0)
    seg_start = numpy.concatenate(([0], numpy.cumsum(seg_len)[:-1]))
    total = int(seg_len.sum())
    keys = numpy.empty(total, dtype="uint64")
    offset = seg_start - uni_start  # where in the output a doc's k-grams start, minus its unigram start
    keys[numpy.arange(len(uni)) + offset[doc_of]] = uni
    for k in range(2, n + 1):
        offset = offset + counts[k - 2]
        if len(uni) < k:
            continue
        grams = cast(numpy.ndarray, ops.ngrams(k, uni))  # NumpyOps (with_cpu): a numpy array
        inside = numpy.flatnonzero(doc_of[: len(grams)] == doc_of[k - 1:])  # windows within one doc
        keys[inside + offset[doc_of[inside]]] = grams[inside]
    vals = numpy.repeat((1.0 / numpy.sqrt(numpy.maximum(lens, 1))).astype("f"), seg_len)
    out = (ops.asarray(keys, dtype="uint64"), ops.asarray(vals, dtype="f"),  # type: ignore[arg-type]
           ops.asarray(seg_len, dtype="int32"))

    def backprop(dY):
        return []

    return out, backprop


@registry.architectures("triage.TextCatBOW.v1")
def build_norm_bow_classifier(
    exclusive_classes: bool = False,
    ngram_size: int = 2,
    length: int = 262144,
    nO: Optional[int] = None,
) -> Model[List[Doc], Floats2d]:
    return _linear_classifier(norm_ngrams(ngram_size), length, nO, exclusive_classes)


def _linear_classifier(featurizer: Model, length: int, nO: Optional[int], exclusive_classes: bool) -> Model:
    """featurizer -> sparse linear layer (resizable: labels can be added) -> logistic, as spaCy's
    own bag-of-words textcat is built."""
    length = 2 ** (length - 1).bit_length()
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    fill_defaults = {"b": NEG_VALUE, "W": 0}
    resizable_layer: Model = resizable(sparse_linear, resize_layer=partial(resize_linear_weighted, fill_defaults=fill_defaults))
    model: Model = chain(featurizer, resizable_layer)
    model = with_cpu(model, model.ops)
    model = chain(model, with_cpu(Logistic(), model.ops))
    if nO is not None:
        model.set_dim("nO", cast(int, nO))
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = not exclusive_classes
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return model


# ---------------------------------------------------------------------------------------- v2

_MIX = numpy.uint64(0x9E3779B97F4A7C15)
_SALT_CLASS = numpy.uint64(0x51A7C1A55E5)
_SALT_PAIR = numpy.uint64(0x9A12C1A55E5)
_SALT_NEXT = numpy.uint64(0xC1A55E5_0E27)
_SALT_PREV = numpy.uint64(0x9E7C1A55E5)
PAIR_WINDOW = 3  # class pairs up to this many words apart
_TABLES: dict[int, tuple] = {}


_SLOT_BITS = 16


def _class_table(word_classes: dict) -> tuple:
    """(sorted NORM hashes, first class id, second class id, slots) for a ``{word: [class, ...]}``
    table; class ids start at 1 (0 = no class). ``slots``: for each value of a hash's low 16 bits,
    the index of the one word that has them, -1 for none, -2 for several (``_class_rows``).
    Cached per table object."""
    from spacy.strings import get_string_id

    cached = _TABLES.get(id(word_classes))
    if cached is not None and cached[0] is word_classes:
        return cached[1]
    names = sorted({c for cs in word_classes.values() for c in cs})
    ids = {n: i + 1 for i, n in enumerate(names)}
    rows = sorted((get_string_id(w), ids[cs[0]], ids[cs[1]] if len(cs) > 1 else 0)
                  for w, cs in word_classes.items() if cs)
    keys = numpy.array([r[0] for r in rows], dtype="uint64")
    low = (keys & numpy.uint64((1 << _SLOT_BITS) - 1)).astype(numpy.intp)
    slots = numpy.full(1 << _SLOT_BITS, -1, dtype=numpy.int32)
    slots[low] = numpy.arange(len(keys), dtype=numpy.int32)
    slots[numpy.bincount(low, minlength=1 << _SLOT_BITS) > 1] = -2
    table = (keys, numpy.array([r[1] for r in rows], dtype="uint64"),
             numpy.array([r[2] for r in rows], dtype="uint64"), slots)
    _TABLES[id(word_classes)] = (word_classes, table)
    return table


def _class_rows(lk, slots, uni):
    """For each hash of ``uni``: the row of ``lk`` it may be (any row where it is not a word of
    the table) and whether it is. The row comes from the hash's low bits (``slots``), one
    look-up, where a binary search of the table cost a third of the featurizer; only hashes
    whose low bits several words share are searched."""
    cand = slots[(uni & numpy.uint64((1 << _SLOT_BITS) - 1)).astype(numpy.intp)]
    at = numpy.where(cand >= 0, cand, 0)
    shared = cand == -2
    if shared.any():
        at[shared] = numpy.minimum(numpy.searchsorted(lk, uni[shared]), len(lk) - 1)
    return at, lk[at] == uni


def _mix(salt, a, b=None):
    with numpy.errstate(over="ignore"):
        k = (a + salt) * _MIX
        if b is not None:
            k = (k ^ b) * _MIX
    return k


def class_ngrams(ngram_size: int, word_classes: dict) -> Model:
    model: Model = Model("norm_class_ngrams", _class_ngrams_forward)
    model.attrs["ngram_size"] = ngram_size
    model.attrs["word_classes"] = word_classes
    return model


def _class_ngrams_forward(model: Model, docs, is_train: bool):
    """Hashed NORM n-grams plus word-class features of a whole batch, computed on the batch at once.

    Keys are gathered with the index of their doc, then stably sorted by it: each doc's keys form
    one contiguous segment, as ``SparseLinear`` needs."""
    ops = model.ops
    n = model.attrs["ngram_size"]
    batch = _batch_unigrams(docs)
    if isinstance(batch, int):
        return _no_features(ops, batch), lambda dY: []
    n_docs, lens, uni, doc_of = batch
    keys = [uni]
    owners = [doc_of]
    for k in range(2, n + 1):
        if len(uni) < k:
            break
        grams = ops.ngrams(k, uni)
        inside = doc_of[: len(grams)] == doc_of[k - 1:]
        keys.append(numpy.asarray(grams)[inside])
        owners.append(doc_of[: len(grams)][inside])
    lk, c1, c2, slot_rows = _class_table(model.attrs["word_classes"])
    if len(lk):
        at, found = _class_rows(lk, slot_rows, uni)
        slots = [numpy.where(found, c1[at], 0), numpy.where(found, c2[at], 0)]
        for s in slots:
            sel = s > 0
            keys.append(_mix(_SALT_CLASS, s[sel]))
            owners.append(doc_of[sel])
        for d in range(1, PAIR_WINDOW + 1):
            if len(uni) <= d:
                break
            same = doc_of[:-d] == doc_of[d:]
            for a in slots:
                left = a[:-d]
                has_left = same & (left > 0)
                if d == 1:  # a class with the word after it, and the word before a class
                    keys.append(_mix(_SALT_NEXT, left[has_left], uni[d:][has_left]))
                    owners.append(doc_of[:-d][has_left])
                    right_cls = a[d:]
                    sel = same & (right_cls > 0)
                    keys.append(_mix(_SALT_PREV, right_cls[sel], uni[:-d][sel]))
                    owners.append(doc_of[:-d][sel])
                for b in slots:
                    sel = has_left & (b[d:] > 0)
                    pair = left[sel] * numpy.uint64(64) + b[d:][sel]
                    keys.append(_mix(_SALT_PAIR + numpy.uint64(d), pair))
                    owners.append(doc_of[:-d][sel])
    all_keys = numpy.concatenate(keys)
    all_owners = numpy.concatenate(owners)
    order = numpy.argsort(all_owners, kind="stable")
    all_keys = all_keys[order]
    seg_len = numpy.bincount(all_owners, minlength=n_docs)
    # each doc's feature vector has unit length (as a tf vector normalised by its L2 norm would,
    # near enough): a long post does not win by length alone
    vals = numpy.repeat((1.0 / numpy.sqrt(numpy.maximum(seg_len, 1))).astype("f"), seg_len)
    out = (ops.asarray(all_keys, dtype="uint64"), ops.asarray(vals, dtype="f"),  # type: ignore[arg-type]
           ops.asarray(seg_len.astype("int32"), dtype="int32"))  # type: ignore[arg-type]
    return out, lambda dY: []


@registry.architectures("triage.TextCatBOW.v2")
def build_class_bow_classifier(
    exclusive_classes: bool = False,
    ngram_size: int = 2,
    length: int = 262144,
    lexicon: str = "",
    nO: Optional[int] = None,
) -> Model[List[Doc], Floats2d]:
    """``lexicon``: a word-class file; "" = the shipped ``data/lexicon/word_classes.toml``. A saved
    model brings its own table, which replaces the file's when the weights are loaded."""
    from .lexicon import load_word_classes

    return _linear_classifier(class_ngrams(ngram_size, load_word_classes(lexicon or None)), length, nO,
                              exclusive_classes)
