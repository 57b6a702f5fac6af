"""A faster bag-of-ngrams text classifier architecture for spaCy's textcat_multilabel.

``triage.TextCatBOW.v1`` is spaCy's ``spacy.TextCatBOW.v3`` (hashed ngram features -> sparse
linear layer -> logistic) with two changes:

* features are built on NORM (lower case, "'m" = "am") rather than ORTH, so "KILL" and "kill"
  share a weight and the model agrees with the rules' view of words;
* the featurizer skips spaCy's per-document ``numpy.unique`` (the sparse layer sums repeated
  keys anyway), hashes the n-grams of a whole batch in one go, and scales each post's features
  by 1/sqrt(length), so a long post does not win by length alone. Every post goes through the
  model, so its cost per post matters as much as the tokenizer's.

Importing this module registers the architecture (the Detector and ``train_textcat`` do).
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
    arrs = [doc.to_array(NORM).reshape(-1) for doc in docs]
    n_docs = len(arrs)
    lens = numpy.fromiter(map(len, arrs), dtype="int64", count=n_docs)
    if not n_docs or not lens.sum():
        keys = numpy.zeros((0,), dtype="uint64")
        vals = numpy.zeros((0,), dtype="f")
        out = (ops.asarray(keys, dtype="uint64"), ops.asarray(vals, dtype="f"),
               ops.asarray(numpy.zeros(n_docs, dtype="int32"), dtype="int32"))
        return out, lambda dY: []
    uni = numpy.concatenate(arrs).astype("uint64", copy=False)
    doc_of = numpy.repeat(numpy.arange(n_docs), lens)  # which doc each unigram belongs to
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
        grams = ops.ngrams(k, uni)
        inside = numpy.flatnonzero(doc_of[: len(grams)] == doc_of[k - 1:])  # windows within one doc
        keys[inside + offset[doc_of[inside]]] = grams[inside]
    vals = numpy.repeat((1.0 / numpy.sqrt(numpy.maximum(lens, 1))).astype("f"), seg_len)
    out = (ops.asarray(keys, dtype="uint64"), ops.asarray(vals, dtype="f"), ops.asarray(seg_len, dtype="int32"))

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
    length = 2 ** (length - 1).bit_length()
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    fill_defaults = {"b": NEG_VALUE, "W": 0}
    resizable_layer = resizable(sparse_linear, resize_layer=partial(resize_linear_weighted, fill_defaults=fill_defaults))
    model = chain(norm_ngrams(ngram_size), resizable_layer)
    model = with_cpu(model, model.ops)
    model = chain(model, with_cpu(Logistic(), model.ops))
    if nO is not None:
        model.set_dim("nO", cast(int, nO))
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = not exclusive_classes
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return model
