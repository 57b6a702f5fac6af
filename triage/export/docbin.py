"""spaCy DocBin (``train.spacy``, ``dev.spacy``) with a ``config.cfg`` that
``python -m spacy train config.cfg`` reads unchanged: textcat_multilabel, bag-of-words,
blank "en" — nothing to download on an air-gapped station.

``doc.spans["evidence"]`` holds the detector's evidence spans (label = indicator), snapped to
whole tokens. ``doc.cats`` holds the known values only; an absent indicator stays absent. spaCy's
textcat_multilabel (3.x, ``support_missing_values``) leaves a label that a doc lacks out of
the loss, and its scorer skips it, so unknown is never taught as 0. The config names its
labels: the text indicators that have at least one positive and one negative in train (a
label seen with one value only cannot be learned). ``behavior_change`` is never one: it is
about an author over time, not a text. The manifest lists what was left out and why.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from ..indicators import TEXT_INDICATORS
from .errors import ExportError
from .jsonl import evidence_spans
from .prepared import PreparedPost

# Based on `spacy init config --lang en --pipeline textcat_multilabel --optimize efficiency`
# (spaCy 3.8), fixed here so that an export does not change with the installed spaCy. Bigrams,
# because threat language lives in pairs ("kill you", "shoot up").
CONFIG_TEMPLATE = """\
[paths]
train = "train.spacy"
dev = "dev.spacy"
vectors = null
init_tok2vec = null

[system]
gpu_allocator = null
seed = 0

[nlp]
lang = "en"
pipeline = ["textcat_multilabel"]
batch_size = 1000
disabled = []
before_creation = null
after_creation = null
after_pipeline_creation = null

[nlp.tokenizer]
@tokenizers = "spacy.Tokenizer.v1"

[nlp.vectors]
@vectors = "spacy.Vectors.v1"

[components]

[components.textcat_multilabel]
factory = "textcat_multilabel"
threshold = 0.5

[components.textcat_multilabel.model]
@architectures = "spacy.TextCatBOW.v3"
exclusive_classes = false
length = 262144
ngram_size = 2
no_output_layer = false
nO = null

[components.textcat_multilabel.scorer]
@scorers = "spacy.textcat_multilabel_scorer.v2"

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}
max_length = 0
gold_preproc = false
limit = 0
augmenter = null

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}
max_length = 0
gold_preproc = false
limit = 0
augmenter = null

[training]
dev_corpus = "corpora.dev"
train_corpus = "corpora.train"
seed = ${{system.seed}}
gpu_allocator = ${{system.gpu_allocator}}
dropout = 0.1
accumulate_gradient = 1
patience = 1600
max_epochs = 0
max_steps = 20000
eval_frequency = 200
frozen_components = []
annotating_components = []
before_to_disk = null
before_update = null

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2
get_length = null

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = 1000
compound = 1.001
t = 0.0

[training.logger]
@loggers = "spacy.ConsoleLogger.v1"
progress_bar = false

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = false
eps = 1e-08
learn_rate = 0.001

[training.score_weights]
cats_score = 1.0

[pretraining]

[initialize]
vectors = ${{paths.vectors}}
init_tok2vec = ${{paths.init_tok2vec}}
vocab_data = null
lookups = null
before_init = null
after_init = null

[initialize.components]

[initialize.components.textcat_multilabel]
labels = {labels}

[initialize.tokenizer]
"""


def trainable_labels(train: Sequence[PreparedPost]) -> tuple[list[str], dict[str, str]]:
    """The labels for the config, and why each other text indicator was left out."""
    seen: dict[str, set[int]] = {i: set() for i in TEXT_INDICATORS}
    for p in train:
        for indicator, value in p.cats.items():
            if indicator in seen:
                seen[indicator].add(value)
    labels = [i for i in TEXT_INDICATORS if seen[i] == {0, 1}]
    left_out = {i: ("no labeled examples in train" if not seen[i] else
                    f"only {'positive' if seen[i] == {1} else 'negative'} examples in train")
                for i in TEXT_INDICATORS if i not in labels}
    left_out["behavior_change"] = "a property of an author over time, not of one text"
    return labels, left_out


def config_text(labels: Sequence[str]) -> str:
    return CONFIG_TEMPLATE.format(labels=json.dumps(list(labels)))


def _docbin(nlp, posts: Sequence[PreparedPost]):
    from spacy.tokens import DocBin

    docs = DocBin(store_user_data=False)
    for p in posts:
        doc = nlp.make_doc(p.text)
        doc.cats = {k: float(v) for k, v in p.cats.items()}
        # The detector's evidence, for span categorizers and for reviewers (textcat ignores it);
        # "expand" snaps a span to whole tokens, so none is dropped.
        spans = [doc.char_span(s["start"], s["end"], label=s["label"], alignment_mode="expand")
                 for s in evidence_spans(p)]
        doc.spans["evidence"] = [s for s in spans if s is not None]
        docs.add(doc)
    return docs


def write(out: Path, ctx) -> list[str]:
    import spacy  # only here: the CLI and the console start without it

    labels, left_out = trainable_labels(ctx.split.train)
    if not labels:
        raise ExportError("no indicator has both a confirmed and a rejected example in train: "
                          "label more posts (spaCy cannot train without a label)")
    ctx.extra_manifest["labels"] = labels
    ctx.extra_manifest["labels_left_out"] = left_out
    nlp = spacy.blank("en")
    # Only the tokenizer runs here (no parser/NER memory limit applies), and a post is evidence
    # whatever its length: a 1 MB post must export, not fail on spaCy's default 1M-char guard.
    nlp.max_length = 1 << 31
    _docbin(nlp, ctx.split.train).to_disk(out / "train.spacy")
    _docbin(nlp, ctx.split.dev).to_disk(out / "dev.spacy")
    (out / "config.cfg").write_text(config_text(labels), encoding="utf-8")
    return ["config.cfg", "train.spacy", "dev.spacy"]
