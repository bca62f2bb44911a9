"""Hashed term counts for similar papers (site/terms.py)."""

import numpy as np

from dailypapers.site.terms import FEATURES, term_counts, terms


def test_words_and_pairs_without_stop_words():
    assert terms("The Diffusion of a model, with LoRA!") == ["diffusion", "model", "lora", "diffusion model", "model lora"]


def test_counts_are_per_text_and_independent_of_the_batch():
    texts = ["video diffusion video", "", "graph neural networks for graphs"]
    together = term_counts(texts)
    assert together.shape == (3, FEATURES)
    assert together[1].nnz == 0
    # "video" twice, "diffusion" once, and the pairs "video diffusion", "diffusion video"
    assert sorted(together[0].data.tolist()) == [1.0, 1.0, 1.0, 2.0]
    alone = term_counts(texts[2:])
    assert np.array_equal(alone[0].indices, together[2].indices)
    assert np.array_equal(alone[0].data, together[2].data)


def test_a_term_hashes_the_same_in_every_process():
    # zlib.crc32, not Python's hash(), which changes with each interpreter
    assert term_counts(["transformer"]).indices.tolist() == [957357]  # CRC-32 of "transformer", low 20 bits
