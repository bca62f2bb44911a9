"""The tagger: loading tags.yaml, matching phrases, scoring, and quality on hand labels."""

import textwrap
import time
from datetime import date

import pytest
import yaml
from conftest import FIXTURES, REPO

from dailypapers import posts
from dailypapers.ingest.retag import retag_all
from dailypapers.ingest.tagging import Taxonomy, TaxonomyError
from dailypapers.model import Paper
from dailypapers.store import PostStore

# Micro precision and recall of the shipped tagger, rules and model (scripts/tag_report.py), a
# little below those measured: on the held-out labels (tag-heldout.yaml, never tuned or trained
# on) and on the training labels (tag-labels.yaml, which tags.yaml is tuned on and the model
# trained on). A taxonomy or model change that costs more fails here.
QUALITY = {"tag-heldout.yaml": (0.83, 0.76), "tag-labels.yaml": (0.83, 0.83)}

SMALL = """
tags:
  - name: Language Models
    synonyms: [language model, LLM]
  - name: Multimodal
    synonyms: [vision-language model, VLM]
  - name: Reinforcement Learning
    slug: rl
    synonyms: [reinforcement learning, RL]
    phrases: [policy gradient]
  - name: 3D
    synonyms: [3D, point cloud]
  - name: Memory
    synonyms: [memory, long-term memory]
    exclude: [memory footprint, GPU memory]
  - name: Agents
    synonyms: [agent]
    phrases: [strategy]
  - name: Quantization
    phrases: ["re:[248]-?bits?", "re:gpt-?4o"]
"""


ALIASED = """
tags:
  - name: Evaluation and Benchmarks
    slug: evaluation
    aliases: [Evaluation, Benchmarks]
    synonyms: [benchmark]
  - name: Representation Learning
    aliases: [{name: Self-supervised Learning, slug: self-supervised}]
    synonyms: [contrastive learning]
  - name: Agents
    synonyms: [agent]
"""


def load(tmp_path, text: str, max_tags: int = 6) -> Taxonomy:
    path = tmp_path / "tags.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return Taxonomy.load(path, max_tags)


def tags(taxonomy: Taxonomy, title: str, abstract: str = "", keywords=()) -> list[str]:
    return taxonomy.tags_for(Paper(title=title, abstract=abstract, ai_keywords=list(keywords)))


@pytest.fixture
def small(tmp_path) -> Taxonomy:
    return load(tmp_path, SMALL)


# Loading


@pytest.mark.parametrize(
    "text, message",
    [
        ("tags: [\n", "not valid YAML"),
        ("- just a list\n", "expected a mapping with a 'tags' list"),
        ("tags:\n  - name: A\n    phrases: [a]\n  - phrases: [b]\n", "tag 2: needs a 'name'"),
        ("tags:\n  - name: Broken\n    phrases: [ok, 're:(unclosed']\n", "tag 'Broken': bad regular expression 're:(unclosed'"),
        ("tags:\n  - name: Typo\n    phrase: [a]\n", "tag 'Typo': unknown key 'phrase'"),
        ("tags:\n  - name: Flat\n    phrases: a, b\n", "tag 'Flat': 'phrases' must be a list of phrases"),
        ("tags:\n  - name: Cpp\n    phrases: [C++]\n", "tag 'Cpp': phrase 'C++'"),
        ("tags:\n  - name: Cpp\n    exclude: ['re:x']\n", "exclude phrases are literal"),
        ("tags:\n  - name: A\n    slug: same\n  - name: B\n    slug: same\n", "tag 'B': slug 'same' is taken"),
        ("tags:\n  - name: A\n  - name: a\n", "tag 'a': a second tag with this name"),
        (ALIASED + "  - name: C\n    aliases: [agents]\n", "tag 'C': alias 'agents' is already the name of a tag or an alias"),
        (ALIASED + "  - name: C\n    aliases: [Benchmarks]\n", "tag 'C': alias 'Benchmarks' is already"),
        (ALIASED + "  - name: C\n    aliases: [{name: Old, slug: evaluation}]\n", "alias 'Old': its slug 'evaluation' is another tag's"),
        (ALIASED + "  - name: C\n    aliases: [{slug: old}]\n", "tag 'C': alias {'slug': 'old'}: an alias is an old name"),
        (ALIASED + "  - name: C\n    aliases: [{name: Old, slug: ../etc}]\n", "slug '../etc': a slug holds a-z, 0-9"),
    ],
)
def test_load_errors_name_the_file_and_the_tag(tmp_path, text, message):
    with pytest.raises(TaxonomyError) as error:
        load(tmp_path, text)
    assert str(error.value).startswith(str(tmp_path / "tags.yaml") + ": ")
    assert message in str(error.value)


def test_missing_file_is_a_taxonomy_error(tmp_path):
    with pytest.raises(TaxonomyError, match="cannot read"):
        Taxonomy.load(tmp_path / "nope.yaml")


def test_the_project_taxonomy_loads():
    taxonomy = Taxonomy.load(REPO / "tags.yaml")
    assert 60 <= len(taxonomy.tags) <= 120
    assert len({tag.slug for tag in taxonomy.tags}) == len(taxonomy.tags)
    assert taxonomy.slug_for("diffusion models") == "diffusion"
    assert taxonomy.slug_for("Not A Tag") == "not-a-tag"


# Matching


def test_whole_words_only(small):
    assert tags(small, "Shortening a URL with RL") == ["Reinforcement Learning"]
    assert tags(small, "Shortening a URL") == []
    assert tags(small, "RL-based agents") == ["Reinforcement Learning", "Agents"]
    assert tags(small, "3D-aware generation") == ["3D"]
    assert tags(small, "A 3DGS renderer") == []


def test_case_and_plurals_and_punctuation_are_ignored(small):
    assert tags(small, "llms and LLM") == ["Language Models"]
    assert tags(small, "Agents plan strategies") == ["Agents"]
    assert tags(small, "Point-Clouds") == ["3D"]
    assert tags(small, "Vision Language Models") == ["Multimodal"]


def test_the_longest_phrase_wins(small):
    # "vision-language model" holds "language model": it counts for Multimodal only
    assert tags(small, "A vision-language model") == ["Multimodal"]


def test_regular_expressions_are_word_bounded_and_case_blind(small):
    assert tags(small, "4-bit and 8bits", "GPT-4o") == ["Quantization"]
    assert tags(small, "Using 16-bit floats", "xgpt-4o") == []


def test_exclude_phrases_stop_a_tags_phrases_inside_them(small):
    footprint = "We cut the memory footprint. The memory footprint and GPU memory shrink."
    assert "Memory" not in tags(small, "Fast kernels", footprint)
    # only the excluded wording is ignored: other mentions still count
    assert tags(small, "Agents with long-term memory", footprint)[:2] == ["Memory", "Agents"]


# Scoring


def test_the_title_weighs_more_than_the_abstract(small):
    abstract = "The agent and the agent meet an agent, and RL."
    assert tags(small, "Reinforcement learning", abstract) == ["Reinforcement Learning", "Agents"]
    assert tags(small, "A study", abstract) == ["Agents"]


def test_weak_evidence_is_a_tag_only_when_nothing_else_is(small):
    assert tags(small, "A study", "Uses RL. RL again.") == ["Reinforcement Learning"]
    assert tags(small, "A study", "Uses RL once.") == []  # a passing mention is no tag
    assert tags(small, "A study", "Uses RL once. In 3D, in 3D, in 3D.") == ["3D"]
    assert tags(small, "A study", "Nothing to see.") == []


def test_ai_keywords_map_through_synonyms(small):
    assert [t.name for t in small.tags_for_keyword("Large Language Models (LLMs)")] == ["Language Models"]
    assert [t.name for t in small.tags_for_keyword("VLMs")] == ["Multimodal"]
    assert small.tags_for_keyword("policy gradient") == []  # a phrase, not a synonym
    assert small.tags_for_keyword("latent space") == []
    abstract = "An RL method. Also 3D, 3D and 3D. RL again."
    assert tags(small, "A study", abstract) == ["3D"]
    assert tags(small, "A study", abstract, keywords=["Reinforcement Learning", "RL"]) == ["Reinforcement Learning", "3D"]


def test_at_most_max_tags_best_first(tmp_path):
    names = [f"Topic {n}" for n in range(8)]
    text = "tags:\n" + "".join(f"  - name: {name}\n    synonyms: [word{n}]\n" for n, name in enumerate(names))
    title = " ".join(f"word{n}" for n in range(8))
    abstract = "word7 word7 word5"
    assert tags(load(tmp_path, text), title, abstract) == ["Topic 7", "Topic 5", "Topic 0", "Topic 1", "Topic 2", "Topic 3"]
    assert tags(load(tmp_path, text, max_tags=2), title, abstract) == ["Topic 7", "Topic 5"]


def test_tagging_is_deterministic(small):
    paper = Paper(title="RL agents in 3D", abstract="An agent uses RL in 3D with memory, memory, memory.")
    first = small.tags_for(paper)
    assert first == ["Reinforcement Learning", "3D", "Agents", "Memory"]  # ties in taxonomy order
    assert all(small.tags_for(paper) == first for _ in range(5))


def test_extra_tags_come_first_and_removed_tags_go(small):
    paper = Paper(title="RL agents in 3D", abstract="")
    assert small.tags_for(paper, extra=["memory", "My Topic"]) == ["Memory", "My Topic", "Reinforcement Learning", "3D", "Agents"]
    assert small.tags_for(paper, extra=["3d"], removed=["agents"]) == ["3D", "Reinforcement Learning"]
    assert small.tags_for(paper, extra=[f"Mine {n}" for n in range(7)]) == [f"Mine {n}" for n in range(7)]
    assert small.tags_for(paper, extra="memory", removed="agents") == ["Memory", "Reinforcement Learning", "3D"]


# Quality


@pytest.mark.parametrize("labels", sorted(QUALITY))
def test_precision_and_recall_on_hand_labels(labels):
    taxonomy = Taxonomy.load(REPO / "tags.yaml", model_path=REPO / "tagmodel.npz")
    entries = yaml.safe_load((FIXTURES / labels).read_text(encoding="utf-8"))["papers"]
    assert len(entries) >= 150
    right = given = labelled = 0
    for entry in entries:
        assert set(entry["tags"]) <= {t.name for t in taxonomy.tags}, entry["arxiv_id"]
        paper = Paper(title=entry["title"], abstract=entry["abstract"], ai_keywords=entry["ai_keywords"])
        found = set(taxonomy.tags_for(paper))
        right += len(found & set(entry["tags"]))
        given += len(found)
        labelled += len(entry["tags"])
    min_precision, min_recall = QUALITY[labels]
    assert right / given >= min_precision
    assert right / labelled >= min_recall


def test_the_held_out_papers_are_not_training_papers():
    ids = {name: {e["arxiv_id"] for e in yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))["papers"]} for name in QUALITY}
    assert not ids["tag-heldout.yaml"] & ids["tag-labels.yaml"]
    assert {i[:2] for i in ids["tag-heldout.yaml"]} >= {"24", "25", "26"}  # 2024 to 2026


# Renamed and merged tags



def test_aliases_map_old_names_to_the_new_tag(tmp_path):
    taxonomy = load(tmp_path, ALIASED)
    merged, representation = taxonomy.tags[0], taxonomy.tags[1]
    assert taxonomy.aliases == {"Evaluation": merged, "Benchmarks": merged, "Self-supervised Learning": representation}
    # the site writes a redirect from each old slug that is not the tag's own
    assert taxonomy.alias_slugs == {"benchmarks": merged, "self-supervised": representation}
    assert taxonomy.slug_for("benchmarks") == "evaluation"
    assert taxonomy.canonical_names(["benchmarks", "Agents", "Evaluation", "Mine"]) == ["Evaluation and Benchmarks", "Agents", "Mine"]
    paper = Paper(title="An agent benchmark", abstract="")
    assert taxonomy.tags_for(paper) == ["Evaluation and Benchmarks", "Agents"]
    assert taxonomy.tags_for(paper, extra=["self-supervised learning"], removed=["Benchmarks"]) == ["Representation Learning", "Agents"]




def test_retag_renames_old_tag_names_even_in_a_hand_set_list(tmp_path):
    taxonomy = load(tmp_path, ALIASED)
    store = PostStore(tmp_path / "content")
    paper = Paper(title="An agent benchmark", abstract="A study.", day=date(2026, 1, 7), published=date(2026, 1, 6))
    hand = posts.post_from_paper(paper, "hand", ["Benchmarks", "My Topic"])
    hand.meta["manual"] = ["tags"]
    store.save(store.path_for(paper.day, "hand"), hand)
    computed = posts.post_from_paper(paper, "computed", ["Benchmarks"])
    computed.meta["removed_tags"] = ["benchmarks"]
    store.save(store.path_for(paper.day, "computed"), computed)
    summary = retag_all(tmp_path / "content", taxonomy)
    assert summary.updated == 2
    saved = {p.stem: posts.parse(p.read_text(encoding="utf-8")).meta for p in (tmp_path / "content").rglob("*.md")}
    assert saved["hand"]["tags"] == ["Evaluation and Benchmarks", "My Topic"]
    assert saved["computed"]["tags"] == ["Agents"]  # the old name still strikes the merged tag
    assert retag_all(tmp_path / "content", taxonomy).updated == 0


# Slugs and patterns cannot be turned against the site or the import


@pytest.mark.parametrize("slug", ["../escape", "a/b", "Upper", "with space", "-edge", "a--b", "ünï", "x.xml", 7])
def test_a_slug_holds_only_lowercase_letters_digits_and_hyphens(tmp_path, slug):
    with pytest.raises(TaxonomyError, match="a slug holds a-z, 0-9 and single hyphens only"):
        load(tmp_path, f"tags:\n  - name: A\n    slug: {slug!r}\n" if isinstance(slug, str) else f"tags:\n  - name: A\n    slug: {slug}\n")


@pytest.mark.parametrize(
    "pattern, message",
    [
        ("(a+)+b", "a repetition inside a repetition"),
        ("(?:x{1,5})*y", "a repetition inside a repetition"),
        ("(a|ab)*c", "an alternation inside a repetition"),
        ("a*a*b", "more than one unbounded quantifier"),
        ("(x)\\1", "a back-reference"),
        ("a{0,40}b{0,40}", "bounded quantifiers allow too many ways"),
        ("(?>(a+)+)b", "a repetition inside a repetition"),
    ],
)
def test_patterns_that_could_backtrack_without_bound_are_refused(tmp_path, pattern, message):
    with pytest.raises(TaxonomyError) as error:
        load(tmp_path, f"tags:\n  - name: Slow\n    phrases: ['re:{pattern}']\n")
    assert f"tag 'Slow': regular expression 're:{pattern.replace(chr(92) * 2, chr(92) * 2)}'".replace("\\\\", "\\") in str(error.value).replace("\\\\", "\\")
    assert message in str(error.value)


def test_an_accepted_pattern_stays_fast_on_a_hostile_text(tmp_path):
    taxonomy = load(tmp_path, "tags:\n  - name: Bench\n    phrases: ['re:[a-z0-9]+-?bench(?:mark)?', 're:(?:we|our) (?:build|release)[\\w ,-]{0,60}dataset']\n")
    hostile = "a" * 20_000 + " we build " + "x " * 5_000
    start = time.perf_counter()
    assert taxonomy.tags_for(Paper(title=hostile, abstract=hostile)) == []
    assert time.perf_counter() - start < 1.0
    assert taxonomy.tags_for(Paper(title="SWE-Bench Pro", abstract="The SWE-Bench.")) == ["Bench"]


# Context: names count more than signals, and what the paper does more than what it cites

CONTEXT = """
tags:
  - name: Safety and Alignment
    synonyms: [jailbreak]
    phrases: [safe]
  - name: Tabular Data
    synonyms: [tabular data]
    phrases: [table]
  - name: Video Generation
    synonyms: [video generation]
"""


def test_a_phrase_in_the_title_is_no_tag_by_itself(tmp_path):
    taxonomy = load(tmp_path, CONTEXT + "  - name: Other\n    synonyms: [quantization]\n")
    paper = Paper(title="Lookup table quantization", abstract="")
    assert taxonomy.tags_for(paper) == ["Other"]  # the table phrase scores, but less
    assert taxonomy.tags_for(Paper(title="A jailbreak", abstract="")) == ["Safety and Alignment"]


def test_a_lowercase_phrase_does_not_match_a_name_in_capitals(tmp_path):
    taxonomy = load(tmp_path, CONTEXT)
    assert taxonomy.tags_for(Paper(title="SAFE: fast inference", abstract="")) == []
    assert taxonomy.tags_for(Paper(title="Safe inference", abstract="A safe method.")) == ["Safety and Alignment"]


def test_what_the_paper_does_counts_more_than_what_others_did(tmp_path):
    taxonomy = load(tmp_path, CONTEXT)
    theirs = "Video generation is hard. Prior video generation models are slow. Results vary."
    ours = "Video generation is hard. We propose a video generation model. Our video generation is fast."
    assert taxonomy.tags_for(Paper(title="A model", abstract=theirs + " Tabular data, tabular data, tabular data.")) == ["Tabular Data"]
    assert taxonomy.tags_for(Paper(title="A model", abstract=ours + " Tabular data, tabular data, tabular data.")) == ["Video Generation", "Tabular Data"]
