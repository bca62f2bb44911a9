"""The tag model: training is deterministic, the file loads back the same, bad files are clear
errors, and the model works with a taxonomy that changed since it was trained."""

import io
import sys

import numpy as np
import pytest
import yaml
from conftest import FIXTURES, REPO

from dailypapers.ingest.tagging import Taxonomy, TaxonomyError
from dailypapers.ingest.tagmodel import EVIDENCE, TagModel
from dailypapers.model import Paper

sys.path.insert(0, str(REPO / "scripts"))
from train_tagger import fit  # noqa: E402 - the training script's own fit, on the fixture's papers

TAXONOMY_FILE = REPO / "tags.yaml"


@pytest.fixture(scope="module")
def labelled():
    """The 290 training papers with texts, and their labels (one labeller each)."""
    entries = yaml.safe_load((FIXTURES / "tag-labels.yaml").read_text(encoding="utf-8"))["papers"]
    papers = [Paper(title=e["title"], abstract=e["abstract"], ai_keywords=e["ai_keywords"]) for e in entries]
    return papers, [[set(e["tags"])] for e in entries]


@pytest.fixture(scope="module")
def trained(labelled):
    taxonomy = Taxonomy.load(TAXONOMY_FILE)
    return taxonomy, fit(taxonomy, *labelled)


def test_training_is_deterministic_and_the_file_loads_back_the_same(trained, labelled, tmp_path):
    taxonomy, model = trained
    data = model.save()
    assert fit(taxonomy, *labelled).save() == data
    path = tmp_path / "model.npz"
    path.write_bytes(data)
    loaded = TagModel.load(path)
    assert loaded.tags == model.tags and loaded.terms == model.terms
    for paper in labelled[0][:20]:
        evidence = taxonomy.evidence(paper)[[taxonomy.tags.index(taxonomy.tag_named(n)) for n in model.tags]]
        assert np.array_equal(loaded.probabilities(paper, evidence), model.probabilities(paper, evidence))


def test_the_model_learns_what_the_rules_miss(trained, labelled):
    """On its own training papers the model must beat the rules it starts from."""
    taxonomy, model = trained
    papers, labels = labelled

    def f1():
        hits = given = wanted = 0
        for paper, [truth] in zip(papers, labels):
            found = set(taxonomy.tags_for(paper))
            hits, given, wanted = hits + len(found & truth), given + len(found), wanted + len(truth)
        return 2 * hits / (given + wanted)

    taxonomy.use_model(None)
    rules = f1()
    taxonomy.use_model(model)
    try:
        assert f1() > rules + 0.01
    finally:
        taxonomy.use_model(None)


def edited_taxonomy(tmp_path, model: TagModel, text: str) -> Taxonomy:
    """The project's taxonomy as `text` has it, with `model` (trained on the unedited one)."""
    path = tmp_path / "tags.yaml"
    path.write_text(text, encoding="utf-8")
    model_path = tmp_path / "model.npz"
    model_path.write_bytes(model.save())
    return Taxonomy.load(path, model_path=model_path)


def test_tags_the_model_does_not_know_are_given_by_the_rules(trained, tmp_path):
    _, model = trained
    text = TAXONOMY_FILE.read_text(encoding="utf-8") + "  - name: Origami\n    synonyms: [origami, paper folding]\n"
    taxonomy = edited_taxonomy(tmp_path, model, text)
    paper = Paper(title="Origami folding with robot arms", abstract="We fold origami with a robot. Origami is hard.")
    assert "Origami" in taxonomy.tags_for(paper)
    assert "Origami" not in model.tags


def test_a_renamed_tag_keeps_its_model_column(trained, tmp_path):
    _, model = trained
    assert "Robotics" in model.tags
    text = TAXONOMY_FILE.read_text(encoding="utf-8").replace("- name: Robotics\n", "- name: Robots\n    aliases: [Robotics]\n")
    assert "name: Robots" in text
    taxonomy = edited_taxonomy(tmp_path, model, text)
    paper = Paper(title="A robot arm that learns to grasp", abstract="We train a robot policy for manipulation on real robots.")
    assert "Robots" in taxonomy.tags_for(paper)


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot read"),
        (b"not a zip file", "not a tag model"),
        ("other-evidence", "another version of the tagger"),
        ("other-terms", "another version of the tagger"),
        ("bad-shapes", "do not fit together"),
    ],
)
def test_a_bad_model_file_is_an_error_naming_it(trained, tmp_path, content, message):
    _, model = trained
    path = tmp_path / "model.npz"
    if content in ("other-evidence", "other-terms", "bad-shapes"):
        with np.load(io.BytesIO(model.save())) as data:
            arrays = dict(data)
        if content == "other-evidence":
            arrays["evidence"] = np.array(EVIDENCE[:-1])
        elif content == "other-terms":
            arrays["format"] = np.array("terms 1: every term marked a:, t: or k:")
        else:
            arrays["scales"] = arrays["scales"][:-1]
        with path.open("wb") as file:
            np.savez(file, **arrays)
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(TaxonomyError, match=message) as error:
        Taxonomy.load(TAXONOMY_FILE, model_path=path)
    assert str(path) in str(error.value)


def test_the_shipped_model_was_trained_without_the_held_out_papers():
    held_out = {e["arxiv_id"] for e in yaml.safe_load((FIXTURES / "tag-heldout.yaml").read_text(encoding="utf-8"))["papers"]}
    corpus = yaml.safe_load((FIXTURES / "tag-labels-corpus.yaml").read_text(encoding="utf-8"))["papers"]
    assert len(corpus) > 9000
    assert not held_out & {e["arxiv_id"] for e in corpus}
    names = {t.name for t in Taxonomy.load(TAXONOMY_FILE).tags}
    assert all(set(e["tags"]) <= names for e in corpus)
    model = TagModel.load(REPO / "tagmodel.npz")
    assert set(model.tags) <= names
