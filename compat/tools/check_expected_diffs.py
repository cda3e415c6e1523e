#!/usr/bin/env python3
"""Checks that every expected difference of the compat differential test is
explained in docs/compat.md by a numbered correction or deviation.

  check_expected_diffs.py [--doc docs/compat.md] [--expected tests/compat/expected]
                          [--scenarios tests/compat/scenarios.c]

The rules (docs/compat.md, "Expected differences"):
  - the corrections ("## Deliberate corrections": items "1. ", "2. ", ...)
    and the deviations ("## Deviations": table rows "| 1 | ...") are each
    numbered 1, 2, 3, ... without gaps or repeats;
  - every file <scenario>.diff of the expected directory has one row in the
    table of "## Expected differences" (first cell `<scenario>.diff`), and
    every row has its file;
  - each row refers to numbered entries ("correction 1", "deviation 2",
    "deviations 1 and 2"), at least one; each of them exists and names the
    scenario in backquotes (`<scenario>`);
  - with --scenarios (the table of scenarios.c; each scenario <name> of it
    also runs as <name>_tls12): every .diff belongs to a scenario, and a numbered entry that names a scenario of the
    table names one that has a .diff (an entry citing a scenario whose
    difference is gone is stale).
Exit status 0 when all hold; otherwise each broken rule is printed.
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIFFS_HEADING = "## Expected differences"
CORRECTIONS_HEADING = "## Deliberate corrections"
DEVIATIONS_HEADING = "## Deviations"
BACKQUOTED = re.compile(r"`([A-Za-z0-9_.]+)`")
REFERENCE = re.compile(r"\b(correction|deviation)s?\s+(\d+(?:\s*(?:,|and)\s*\d+)*)")


def section(lines, heading):
    """The lines of the section whose heading starts with `heading`."""
    for i, line in enumerate(lines):
        if line.startswith(heading):
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("## ")),
                       len(lines))
            return lines[i + 1:end]
    return None


def corrections(lines):
    """{number: text} of the numbered list items; an item goes on over blank
    and indented lines, and ends at the next unindented line."""
    items = {}
    order = []
    current = None
    for line in lines:
        m = re.match(r"^(\d+)\. ", line)
        if m:
            current = int(m.group(1))
            order.append(current)
            items[current] = line
        elif current is not None and (not line.strip() or line[0].isspace()):
            items[current] += "\n" + line
        else:
            current = None
    return items, order


def deviations(lines):
    """{number: row} of the table rows whose first cell is a number."""
    items = {}
    order = []
    for line in lines:
        m = re.match(r"^\|\s*(\d+)\s*\|", line)
        if m:
            items[int(m.group(1))] = line
            order.append(int(m.group(1)))
    return items, order


def check(doc_path, expected_dir, scenarios_path):
    problems = []
    lines = doc_path.read_text().splitlines()
    parts = {}
    for heading in (DIFFS_HEADING, CORRECTIONS_HEADING, DEVIATIONS_HEADING):
        parts[heading] = section(lines, heading)
        if parts[heading] is None:
            problems.append(f"{doc_path}: no section '{heading}'")
    if problems:
        return problems
    entries = {}
    for kind, (items, order) in (("correction", corrections(parts[CORRECTIONS_HEADING])),
                                 ("deviation", deviations(parts[DEVIATIONS_HEADING]))):
        if order != list(range(1, len(order) + 1)):
            problems.append(f"the {kind}s are not numbered 1, 2, 3, ...: {order}")
        for number, text in items.items():
            entries[(kind, number)] = set(BACKQUOTED.findall(text))

    diffs = {p.name[:-len(".diff")] for p in expected_dir.glob("*.diff")}
    rows = {}
    for line in parts[DIFFS_HEADING]:
        m = re.match(r"^\|\s*`([A-Za-z0-9_]+)\.diff`\s*\|(.*)\|\s*$", line)
        if m:
            if m.group(1) in rows:
                problems.append(f"`{m.group(1)}.diff` has two rows in '{DIFFS_HEADING}'")
            rows[m.group(1)] = m.group(2)

    for name in sorted(diffs - rows.keys()):
        problems.append(f"{expected_dir.name}/{name}.diff is not explained: no row "
                        f"`{name}.diff` in the table of '{DIFFS_HEADING}' of {doc_path.name}")
    for name in sorted(rows.keys() - diffs):
        problems.append(f"the row `{name}.diff` of '{DIFFS_HEADING}' has no file "
                        f"{expected_dir.name}/{name}.diff")
    for name in sorted(rows.keys() & diffs):
        refs = [(kind, int(n)) for kind, numbers in REFERENCE.findall(rows[name])
                for n in re.findall(r"\d+", numbers)]
        if not refs:
            problems.append(f"`{name}.diff` refers to no numbered correction or deviation")
        for kind, number in refs:
            if (kind, number) not in entries:
                problems.append(f"`{name}.diff` refers to {kind} {number}, which does not exist")
            elif name not in entries[(kind, number)]:
                problems.append(f"`{name}.diff` refers to {kind} {number}, which does not name "
                                f"the scenario `{name}`")
        if refs:
            print(f"{name}.diff: " + ", ".join(f"{k} {n}" for k, n in refs))

    if scenarios_path is not None:
        bases = set(re.findall(r"SCENARIO\(([a-z0-9_]+)\)", scenarios_path.read_text()))
        table = bases | {name + "_tls12" for name in bases}
        for name in sorted(diffs - table):
            problems.append(f"{expected_dir.name}/{name}.diff: no scenario {name} in "
                            f"{scenarios_path.name}")
        for (kind, number), names in sorted(entries.items()):
            for name in sorted((names & table) - diffs):
                problems.append(f"{kind} {number} names the scenario `{name}`, which has no "
                                f"expected difference ({expected_dir.name}/{name}.diff)")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--doc", type=pathlib.Path, default=ROOT / "docs" / "compat.md")
    ap.add_argument("--expected", type=pathlib.Path,
                    default=ROOT / "tests" / "compat" / "expected")
    ap.add_argument("--scenarios", type=pathlib.Path)
    args = ap.parse_args()
    problems = check(args.doc, args.expected, args.scenarios)
    for problem in problems:
        print(f"FAIL {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
