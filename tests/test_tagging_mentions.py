"""What counts as a mention of a tag: an acronym written right after its name is the same
mention, and a phrase written with capitals inside (ReAct, MAS) is a name, not the common
word it spells in lower case."""

from test_tagging import load

from dailypapers.model import Paper

MENTIONS = """
tags:
  - name: Multimodal
    synonyms: [vision-language model, VLM]
  - name: Agents
    synonyms: [agent]
    phrases: [ReAct]
  - name: Physics
    synonyms: [mass, momentum]
"""


def scores(tmp_path, title: str, abstract: str = "") -> dict[str, float]:
    taxonomy = load(tmp_path, MENTIONS)
    found = taxonomy._scores(Paper(title=title, abstract=abstract))
    return {taxonomy.tags[index].name: score for index, score in found.items()}


def test_an_acronym_after_its_name_is_one_mention(tmp_path):
    one = scores(tmp_path, "A study", "It runs a vision-language model (VLM) here.")["Multimodal"]
    assert one == scores(tmp_path, "A study", "It runs a vision-language model here.")["Multimodal"]
    # the acronym alone, or the name said again, still counts
    assert scores(tmp_path, "A study", "It runs a vision-language model. A VLM.")["Multimodal"] == 2 * one
    assert scores(tmp_path, "A study", "It runs VLMs, VLMs.")["Multimodal"] == 2 * one


def test_a_name_written_in_capitals_does_not_match_the_common_word(tmp_path):
    assert "Agents" in scores(tmp_path, "ReAct prompting, agents")
    assert scores(tmp_path, "An agent", "Agents react to the scene.") == scores(tmp_path, "An agent", "Agents look at the scene.")
    assert scores(tmp_path, "ReAct", "")["Agents"] > 0
    assert "Physics" in scores(tmp_path, "Mass and momentum")  # written in lower case: any case matches
