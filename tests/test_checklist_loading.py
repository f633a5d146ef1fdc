"""Checklists: the shipped ones load and cover the stable ids; broken ones fail clearly (file, line, item)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import EXIT_USAGE, main
from checker.rules.checklist import ChecklistError, bundled_names, load_checklists

STABLE_IDS = ("controller_identity contact_point dpo_contact purposes legal_basis recipients cross_border_transfer "
              "retention right_access right_rectification right_erasure right_restriction right_objection "
              "right_portability withdraw_consent complaint_authority automated_decisions children cookies security "
              "policy_changes effective_date").split()

GOOD_ITEM = """
  - id: retention
    title: Retention
    references: ["GDPR Art. 13(2)(a)"]
    severity: high
    description: How long data is kept.
    remediation: State a period.
    patterns: ["retention period"]
"""


WEIGHED = """    requires:
      - name: period
        reason: no period
        patterns: ["30 days"]
        outweighed_by: {reason: vague, patterns: ["as long as necessary"]}
"""


LAPSED = """    requires:
      - name: safeguard
        reason: no safeguard
        patterns: ["standard contractual clauses"]
        lapsed: {reason: struck down, patterns: ["privacy shield"], finding: {kind: lapsed_mechanism, severity: medium}}
"""


def write(tmp_path: Path, body: str) -> str:
    path = tmp_path / "mine.yaml"
    path.write_text("id: mine\ntitle: Mine\nversion: '1'\nrequirements:\n" + body)
    return str(path)


def test_every_bundled_checklist_loads_and_the_default_set_covers_the_stable_ids() -> None:
    assert {"gdpr", "coppa"} <= set(bundled_names())
    everything = load_checklists(bundled_names())
    assert everything.requirements
    default_ids = {r.id for r in load_checklists().requirements}
    assert set(STABLE_IDS) <= default_ids
    for req in everything.requirements:
        assert req.references and req.remediation and req.description


def test_a_users_yaml_works_like_a_bundled_one(tmp_path: Path) -> None:
    compiled = load_checklists([write(tmp_path, GOOD_ITEM)])
    assert [r.id for r in compiled.requirements] == ["retention"]


@pytest.mark.parametrize("body, message", [
    (GOOD_ITEM.replace("  - id: retention\n    title", "  - title"), "missing required key 'id'"),
    (GOOD_ITEM.replace('patterns: ["retention period"]', "patterns: [[{LEMMA: {IN: retain}}]]"), "requirement 'retention': core pattern 1: invalid token pattern"),
    (GOOD_ITEM.replace('patterns: ["retention period"]', "patterns: [[{LEMA: retain}]]"), "invalid token pattern"),
    (GOOD_ITEM + "    colour: red\n", "unknown key 'colour'"),
    (GOOD_ITEM.replace("severity: high", "severity: urgent"), "severity must be one of"),
    (GOOD_ITEM.replace('references: ["GDPR Art. 13(2)(a)"]', "references: GDPR"), "'references' must be a list"),
    (GOOD_ITEM.replace('patterns: ["retention period"]', ""), "needs 'patterns', a 'concept' or a 'detector'"),
    (GOOD_ITEM + "    detector: crystal_ball\n", "unknown detector 'crystal_ball'"),
    (GOOD_ITEM + GOOD_ITEM, "defined twice"),
    (GOOD_ITEM.replace("title: Retention", "title: [Retention"), "invalid YAML"),
    (GOOD_ITEM + WEIGHED.replace("reason: vague", "colour: red"), "outweighed_by: unknown key 'colour'"),
    (GOOD_ITEM + LAPSED.replace("reason: struck down", "colour: red"), "lapsed: unknown key 'colour'"),
    (GOOD_ITEM + LAPSED.replace("        lapsed:", "        link_targets: ['(unclosed']\n        lapsed:"),
     "link_targets: '(unclosed' is no regular expression"),
    (GOOD_ITEM + LAPSED.replace("severity: medium", "severity: dire"), "lapsed finding: severity must be one of"),
    (GOOD_ITEM + LAPSED.replace('patterns: ["privacy shield"]', "patterns: [[{LEMA: x}]]"),
     "lapsed:safeguard pattern 1: invalid token pattern"),
    (GOOD_ITEM + WEIGHED.replace("patterns: [\"as long as necessary\"]", "patterns: [[{LEMA: x}]]"),
     "outweighs:period pattern 1: invalid token pattern"),
    (GOOD_ITEM + "    not_applicable_when: {reason: not owed, patterns: [\"legal basis\"], unless_mentioned: sometimes}\n",
     "unless_mentioned"),
    # only a condition that can be outweighed by a mention takes unless_mentioned; elsewhere it would be ignored
    (GOOD_ITEM + "    applies_only_when: {reason: owed, patterns: [\"children\"], unless_mentioned: true}\n",
     "applies_only_when: unknown key 'unless_mentioned'"),
    (GOOD_ITEM + "    not_applicable_when: [{reason: not owed, patterns: [\"no data\"]}, 7]\n", "or a list of them"),
    (GOOD_ITEM + "    not_applicable_when: [{reason: not owed}]\n", "needs 'patterns' or 'frames'"),
    (GOOD_ITEM + "    not_applicable_when: {reason: not owed, frames: [nowhere]}\n", "unknown frame 'nowhere'"),
])
def test_bad_checklists_fail_with_file_line_item_and_problem(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ChecklistError) as err:
        load_checklists([path])
    text = str(err.value)
    assert path in text and message in text
    assert "\n" not in text


def test_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_ITEM + "    colour: red\n")
    with pytest.raises(ChecklistError) as err:
        load_checklists([path])
    lines = Path(path).read_text().splitlines()
    item_line = lines.index("  - id: retention") + 1
    key_line = lines.index("    colour: red") + 1
    assert f"{path}:{item_line}: requirement 'retention'" in str(err.value)
    assert f"unknown key 'colour' (line {key_line})" in str(err.value)


def test_yaml_words_like_on_and_no_stay_words(tmp_path: Path) -> None:
    body = GOOD_ITEM.replace('patterns: ["retention period"]', "patterns: [[{LOWER: based}, {LOWER: {IN: [on, no]}}]]")
    load_checklists([write(tmp_path, body)])  # would fail if 'on' became True


def test_cli_exits_2_on_a_bad_checklist(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_ITEM.replace("  - id: retention\n    title", "  - title"))
    policy = tmp_path / "p.md"
    policy.write_text("We keep data for 30 days.")
    result = CliRunner().invoke(main, ["scan", str(policy), "--checklist", path, "--out", str(tmp_path / "r")])
    assert result.exit_code == EXIT_USAGE
    assert "missing required key 'id'" in result.output


def test_cli_exits_2_on_an_unknown_checklist_name(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["scan", "x.md", "--checklist", "nosuch"])
    assert result.exit_code == EXIT_USAGE and "unknown checklist 'nosuch'" in result.output


def test_vocabulary_anchors_share_word_lists(tmp_path: Path) -> None:
    path = tmp_path / "vocab.yaml"
    item = GOOD_ITEM.replace('patterns: ["retention period"]',
                             'patterns:\n      - [{LEMMA: {IN: *keep}}, {OP: "{,3}"}, {LOWER: for}, {LIKE_NUM: true}]')
    path.write_text("id: vocab\ntitle: Vocab\nversion: '1'\nvocabulary:\n  keep_verbs: &keep [keep, retain, store]\n"
                    "requirements:" + item)
    from checker.nlp.sentences import parse_texts

    compiled = load_checklists([str(path)])
    parsed = list(parse_texts(["We store your invoices for 10 years.", "We keep in touch for fun."]))
    assert [len(compiled.patterns.find(p)) for p in parsed] == [1, 0]
    path.write_text(path.read_text().replace("vocabulary:", "vocabulary: 3\nx:"))
    with pytest.raises(ChecklistError):
        load_checklists([str(path)])


def test_the_detectors_a_checklist_may_name_are_the_ones_analysis_answers() -> None:
    """rules knows the names (to reject a typo in a checklist), analysis the functions."""
    from checker.analysis.requirement_detectors import REQUIREMENT_DETECTORS
    from checker.rules.checklist import FACT_DETECTORS

    assert set(FACT_DETECTORS) == set(REQUIREMENT_DETECTORS)


def test_a_qualifier_is_outweighed_only_by_at_least_as_many_statements_against_it(tmp_path: Path) -> None:
    from checker.inputs.loader import load_bytes
    from checker.pipeline import analyse, parse_document

    compiled = load_checklists([write(tmp_path, GOOD_ITEM.replace('["retention period"]', '["retention period", "keep"]')
                                      + WEIGHED)])

    def status(text: str) -> tuple[str, str]:
        parsed = parse_document(load_bytes(text.encode(), "p.md", "markdown"), compiled.model)
        verdict = analyse(parsed, compiled).verdicts[0]
        return verdict.status.value, verdict.reason

    assert status("We keep data for 30 days.") == ("met", "disclosed (decided by line 1)")
    state, reason = status("We keep data as long as necessary.\n\nWe keep logs for 30 days.")
    assert state == "partial" and reason == "vague (decided by line 1)"
    assert status("We keep data as long as necessary.\n\nWe keep logs for 30 days.\n\nWe keep mail for 30 days.")[0] == "met"
