"""A faster bag-of-ngrams text classifier architecture for spaCy's textcat_multilabel.

``triage.TextCatBOW.v1`` is spaCy's ``spacy.TextCatBOW.v3`` (hashed ngram features -> sparse
linear layer -> logistic) with two changes:

* features are built on NORM (lower case, "'m" = "am") rather than ORTH, so "KILL" and "kill"
  share a weight and the model agrees with the rules' view of words;
* the featurizer skips spaCy's per-document ``numpy.unique`` (the sparse layer sums repeated
  keys anyway) and scales each post's features by 1/sqrt(length), so a long post does not win
  by length alone. It was ~4x faster than the stock featurizer here, which matters because
  every post goes through the model.

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
    ops = model.ops
    n = model.attrs["ngram_size"]
    keys_list = []
    vals_list = []
    lengths = []
    for doc in docs:
        uni = doc.to_array(NORM)
        if uni.ndim != 1:
            uni = uni.reshape(-1)
        parts = [uni]
        for k in range(2, n + 1):
            if len(uni) >= k:
                parts.append(ops.ngrams(k, uni))
        keys = numpy.concatenate(parts) if len(parts) > 1 else uni
        keys_list.append(keys)
        vals_list.append(numpy.full(len(keys), 1.0 / numpy.sqrt(max(1, len(uni))), dtype="f"))
        lengths.append(len(keys))
    keys = numpy.concatenate(keys_list) if keys_list else numpy.zeros((0,), dtype="uint64")
    vals = numpy.concatenate(vals_list) if vals_list else numpy.zeros((0,), dtype="f")
    out = (ops.asarray(keys, dtype="uint64"), ops.asarray(vals, dtype="f"), ops.asarray(lengths, dtype="int32"))

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
