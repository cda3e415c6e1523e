#!/usr/bin/env python3
"""A test of compat/tools/check_expected_diffs.py: on copies of docs/compat.md
and tests/compat/expected, an expected difference that no numbered
correction or deviation explains must make it fail, for the right reason.

  selftest_expected_diffs.py CHECKER DOC EXPECTED_DIR SCENARIOS_C
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile

checker, doc, expected, scenarios = (pathlib.Path(a) for a in sys.argv[1:5])
failures = 0


def run(doc_text, files, title, want_ok, pattern):
    """Runs the checker on a doc with `doc_text` and an expected directory
    holding `files` ({name: text}); it must pass (want_ok) or fail, and say
    `pattern`."""
    global failures
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        (tmp / "compat.md").write_text(doc_text)
        (tmp / "expected").mkdir()
        for name, text in files.items():
            (tmp / "expected" / name).write_text(text)
        out = subprocess.run([sys.executable, str(checker), "--doc", str(tmp / "compat.md"),
                              "--expected", str(tmp / "expected"), "--scenarios", str(scenarios)],
                             capture_output=True, text=True)
    report = out.stdout + out.stderr
    problem = None
    if want_ok and out.returncode != 0:
        problem = f"the check failed ({out.returncode})"
    elif not want_ok and out.returncode == 0:
        problem = "the check passed"
    elif pattern not in report:
        problem = f"its report does not say {pattern!r}"
    if problem is None:
        print(f"ok   {title}")
    else:
        print(f"FAIL {title}: {problem}; its report:")
        print("".join(f"    {line}\n" for line in report.splitlines()), end="")
        failures += 1


def replaced(text, old, new):
    if text.count(old) != 1:
        print(f"FAIL the self-test's own premise: {old!r} is not once in {doc}")
        sys.exit(1)
    return text.replace(old, new)


text = doc.read_text()
files = {p.name: p.read_text() for p in expected.glob("*.diff")}
NAME = "cipher_strings_unsupported"
if f"{NAME}.diff" not in files or f"{NAME}_tls12.diff" not in files:
    print(f"FAIL the self-test's own premise: no {NAME}.diff or {NAME}_tls12.diff")
    sys.exit(1)

run(text, files, "docs/compat.md and tests/compat/expected as they are", True,
    f"{NAME}.diff: deviation 3")

run(text, files, "a scenario's TLS 1.2 run (<name>_tls12) has its own .diff", True,
    f"{NAME}_tls12.diff: deviation 3")

extra = dict(files)
extra["undocumented_case.diff"] = "1c1\n< a\n---\n> b\n"
run(text, extra, "a .diff that no row explains", False,
    "undocumented_case.diff is not explained")

row = f"| `{NAME}.diff` | deviation 3 |\n"
run(replaced(text, row, ""), files, f"the row of {NAME}.diff removed", False,
    f"{NAME}.diff is not explained")

run(replaced(text, row, f"| `{NAME}.diff` | the suites adieu lacks |\n"), files,
    "a row that refers to no numbered entry", False,
    f"`{NAME}.diff` refers to no numbered correction or deviation")

run(replaced(text, row, row.replace("deviation 3", "deviation 99")), files,
    "a row that refers to a deviation that does not exist", False,
    "refers to deviation 99, which does not exist")

run(replaced(text, f"(scenarios `{NAME}`, `{NAME}_tls12`)", f"(scenario `{NAME}_tls12`)"),
    files, "the deviation no longer names the scenario", False,
    f"`{NAME}.diff` refers to deviation 3, which does not name the scenario `{NAME}`")

run(replaced(text, "\n| 3 | cipher strings", "\n| 33 | cipher strings"), files,
    "a gap in the numbering of the deviations", False, "the deviations are not numbered")

run(replaced(text, "\n2. **`SSL_OP_IGNORE_UNEXPECTED_EOF`", "\n1. **`SSL_OP_IGNORE_UNEXPECTED_EOF`"),
    files, "two corrections numbered 1", False, "the corrections are not numbered")

stray = dict(files)
stray["no_such_scenario_tls12.diff"] = "1c1\n< a\n---\n> b\n"
run(replaced(text, row, row + "| `no_such_scenario_tls12.diff` | deviation 3 |\n").replace(
    f"(scenarios `{NAME}`, `{NAME}_tls12`)",
    f"(scenarios `{NAME}`, `{NAME}_tls12`, `no_such_scenario_tls12`)"), stray,
    "a .diff of a run that is no scenario's", False,
    "no_such_scenario_tls12.diff: no scenario no_such_scenario_tls12")

fewer = dict(files)
del fewer[f"{NAME}.diff"]
run(text, fewer, "a documented difference whose .diff is gone", False,
    f"the row `{NAME}.diff` of '## Expected differences' has no file")

run(replaced(text, row, ""), fewer, "an entry naming a scenario with no .diff", False,
    f"deviation 3 names the scenario `{NAME}`, which has no expected difference")

sys.exit(1 if failures else 0)
