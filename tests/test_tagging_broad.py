"""Tags.yaml's keys that shape which tags a paper gets beyond its scores: `min_score` and
`max_rank` (a broad tag among a paper's best only), `implies` (a subtopic brings its parent)
and `only_with` (a broad tag given only beside a narrower one)."""

import pytest
from test_tagging import load

from dailypapers.ingest.tagging import TaxonomyError
from dailypapers.model import Paper


def test_min_score_and_max_rank_narrow_a_broad_tag(tmp_path):
    text = "tags:\n  - name: Broad\n    min_score: 4\n    max_rank: 1\n    synonyms: [LLM]\n  - name: Narrow\n    synonyms: [agent]\n"
    taxonomy = load(tmp_path, text)
    assert taxonomy.tags_for(Paper(title="LLM", abstract="An LLM.")) == ["Broad"]
    assert taxonomy.tags_for(Paper(title="LLM", abstract="")) == ["Broad"]  # the best that matched, as ever
    assert taxonomy.tags_for(Paper(title="LLM agent", abstract="An LLM.")) == ["Broad", "Narrow"]
    assert taxonomy.tags_for(Paper(title="LLM agent", abstract="An agent, an agent. An LLM.")) == ["Narrow"]  # Broad ranks second
    for bad in ("min_score: 0", "min_score: x", "max_rank: 0", "max_rank: 1.5"):
        with pytest.raises(TaxonomyError, match="min_score|max_rank"):
            load(tmp_path, f"tags:\n  - name: A\n    {bad}\n")


def test_a_subtopic_brings_its_parent(tmp_path):
    text = "tags:\n  - name: Agents\n    synonyms: [agent]\n  - name: GUI Agents\n    implies: [Agents]\n    synonyms: [GUI agent]\n"
    taxonomy = load(tmp_path, text)
    assert taxonomy.tags_for(Paper(title="A GUI agent", abstract="")) == ["GUI Agents", "Agents"]
    assert taxonomy.tags_for(Paper(title="A GUI agent", abstract=""), removed=["Agents"]) == ["GUI Agents"]
    with pytest.raises(TaxonomyError, match="tag 'GUI Agents': 'implies' names a tag that does not exist"):
        load(tmp_path, text.replace("implies: [Agents]", "implies: [Agentz]"))


def test_a_broad_tag_only_with_one_of_its_companions(tmp_path):
    text = (
        "tags:\n  - name: Language Models\n    only_with: [Pretraining]\n    synonyms: [LLM]\n"
        "  - name: Pretraining\n    synonyms: [pretraining]\n  - name: Time Series\n    synonyms: [forecasting]\n"
    )
    taxonomy = load(tmp_path, text)
    assert taxonomy.tags_for(Paper(title="LLM pretraining", abstract="")) == ["Language Models", "Pretraining"]
    assert taxonomy.tags_for(Paper(title="LLM forecasting", abstract="")) == ["Time Series"]
    # alone, it gives way to the best tag that can stand alone; none such, no tag
    assert taxonomy.tags_for(Paper(title="LLM", abstract="Forecasting. Forecasting.")) == ["Time Series"]
    assert taxonomy.tags_for(Paper(title="LLM", abstract="")) == []
    assert taxonomy.tags_for(Paper(title="LLM", abstract=""), extra=["Language Models"]) == ["Language Models"]
    with pytest.raises(TaxonomyError, match="tag 'Language Models': 'only_with' names a tag that does not exist"):
        load(tmp_path, text.replace("only_with: [Pretraining]", "only_with: [Pretrainin]"))
