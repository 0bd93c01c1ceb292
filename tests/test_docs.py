"""The documentation lives in the repository and every reference to it resolves.

Markdown links in README.md and docs/, and every ``docs/<page>.md#anchor`` cited in code,
help texts and tests, must name an existing page and heading (GitHub's anchor rules); no file
outside docs/ cites a document that is not in the repository; docs/cli.md covers every
subcommand and option the parser defines."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CITED = re.compile(r"docs/([a-z_]+\.md)(?:#([\w-]+))?")


def _slug(heading: str) -> str:
    h = heading.strip().lower().replace("`", "")
    return "".join(ch for ch in h if ch in " -_" or unicodedata.category(ch)[0] in "LN").replace(" ", "-")


def anchors(page: Path) -> set[str]:
    out, seen, fence = set(), {}, False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fence = not fence
            continue
        m = None if fence else re.match(r"^(#{1,6})\s+(.*)$", line)
        if m:
            s = _slug(m.group(2))
            seen[s] = seen.get(s, -1) + 1
            out.add(s if seen[s] == 0 else f"{s}-{seen[s]}")
    return out


def _tracked() -> list[Path]:
    names = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split()
    return [ROOT / n for n in names if n.endswith((".py", ".md", ".sh", ".toml")) and (ROOT / n).is_file()]


def test_slug_follows_githubs_rules():
    assert _slug("Below the paper's orders: bounds, the chain") == "below-the-papers-orders-bounds-the-chain"
    assert _slug("z_F6 (`f6`)") == "z_f6-f6"


def test_markdown_links_resolve():
    bad = []
    for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.exists():
                bad.append(f"{page.name}: {target} (no such file)")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                bad.append(f"{page.name}: {target} (no such heading)")
    assert not bad, "\n".join(bad)


def test_docs_cited_in_code_and_tests_exist():
    bad = []
    for f in _tracked():
        for page, anchor in CITED.findall(f.read_text(encoding="utf-8", errors="replace")):
            dest = DOCS / page
            if not dest.exists():
                bad.append(f"{f.relative_to(ROOT)}: docs/{page} does not exist")
            elif anchor and anchor not in anchors(dest):
                bad.append(f"{f.relative_to(ROOT)}: docs/{page}#{anchor} names no heading")
    assert not bad, "\n".join(bad)


def test_nothing_outside_the_repository_is_cited():
    offenders = [f"{f.relative_to(ROOT)}:{i}" for f in _tracked() if DOCS not in f.parents
                 for i, line in enumerate(f.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
                 if re.search(r"SPEC|\.\./shared", line) and f.name != "test_docs.py"]
    assert not offenders, offenders


@pytest.fixture(scope="module")
def parser():
    from cogs.cli.main import build_parser

    return build_parser()


def _sections(text: str) -> dict[str, str]:
    """'## cogs NAME' section → its text (up to the next '## ')."""
    parts = re.split(r"^## ", text, flags=re.M)
    return {p.split("\n", 1)[0].strip(): p for p in parts[1:]}


def test_cli_reference_covers_every_subcommand_and_option(parser):
    """Each subcommand has its own section naming each of its options (as a whole word)."""
    sections = _sections((DOCS / "cli.md").read_text(encoding="utf-8"))
    shared = sections.get("Conventions shared by every command", "")
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    missing = []
    for name, p in sub.choices.items():
        body = sections.get(f"cogs {name}")
        if body is None:
            missing.append(f"no section '## cogs {name}'")
            continue
        for action in p._actions:
            for opt in action.option_strings:
                word = re.compile(re.escape(opt) + r"(?![\w-])")
                if opt.startswith("--") and opt != "--help" and not (word.search(body) or word.search(shared)):
                    missing.append(f"cogs {name} {opt}")
    assert not missing, missing


def _python_blocks(page: Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", page.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_the_python_guide_runs(tmp_path, monkeypatch):
    """docs/python.md's Python blocks run in order, in one namespace, and write nothing."""
    monkeypatch.chdir(tmp_path)
    blocks = _python_blocks(DOCS / "python.md")
    assert len(blocks) >= 5
    namespace: dict = {}
    for i, code in enumerate(blocks):
        exec(compile(code, f"docs/python.md block {i + 1}", "exec"), namespace)  # noqa: S102
    assert namespace["net"].certificate.passed and len(namespace["runs"]) == 4
    assert len(namespace["reading"].rows) == 5  # S4's real irreducibles: 1, 1, 2, 3, 3
    assert not any(tmp_path.iterdir())


def test_the_readme_opens_with_python():
    """The README's first code block is the Python path (construct → train → analyze → the semi-ring)."""
    first = _python_blocks(ROOT / "README.md")[0]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("```python") < readme.index("make compare")
    for step in ("cogs.construct(", "cogs.train(", "cogs.analyze(", " * ", " + "):
        assert step in first, step


def _section_blocks(page: Path, heading: str) -> list[str]:
    text = page.read_text(encoding="utf-8")
    body = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```python\n(.*?)^```", body, flags=re.S | re.M)


def test_the_preset_example_runs(tmp_path, monkeypatch, capsys):
    """docs/extending.md's "Adding a sweep preset" block registers a preset that sweeps."""
    import cogs
    from cogs.jobs.sweep import unregister_preset

    monkeypatch.chdir(tmp_path)
    (code,) = _section_blocks(DOCS / "extending.md", "Adding a sweep preset")
    namespace: dict = {}
    try:
        exec(compile(code, "docs/extending.md", "exec"), namespace)  # noqa: S102
        rows = namespace["report"].to_dict()["rows"]
        assert [r["group"] for r in rows] == ["Z5", "Z7", "Z11"] and all(len(r["orders"]) == 2 for r in rows)
        assert [len(o) for o in rows[2]["orders"]] == [5, 5]  # Z11: five orbits {k, −k}, per seed
        assert "- Z7: orders per seed" in capsys.readouterr().out
        assert "odd_cyclic" in cogs.PRESETS and not any(tmp_path.iterdir())
    finally:
        unregister_preset("odd_cyclic")
