#!/usr/bin/env python3
"""Mutation check for scenario scripts: every expectation in a passing script
must be able to fail. For each expectation line it writes a mutant of the
script in which that expectation cannot hold (a changed frame or pattern, one
frame more, a frame sent into a silence, the half-close removed before
`expect finished` where nothing between depends on it), runs it with `actors-scenario --expect-failure LINE`,
and fails unless every mutant fails exactly at its line.

usage: scenario_mutations.py ACTORS_SCENARIO WORK_DIR SCRIPT...
(the scripts' ${VARS} come from the environment)
"""

import pathlib
import re
import subprocess
import sys

SHORT = "within 500ms"


def strip_within(line):
    return re.sub(r"\s+within\s+\S+\s*$", "", line)


def mutate(lines, i):
    """The mutated script and the line (1-based) that must fail, or None."""
    line = lines[i]
    words = line.split()
    if len(words) < 3 or words[0] not in ("expect", "await"):
        return None
    peer, what = words[1], words[2]
    if peer == "ui":
        return None  # the UI's expectations have scripts of their own
    out = list(lines)
    # Keep `as VAR`, which later lines may use.
    keep = re.search(r"\s(as\s+\w+)(\s+within\s+\S+)?\s*$", line)
    capture = f" {keep.group(1)}" if keep else ""
    never = f"frame ~ ^MUTANT-NEVER-SENT${capture}"
    if what == "frame" and words[0] == "await":
        out[i] = f"await {peer} {never} {SHORT}"
    elif what == "frame":
        start = block_start(lines, i)
        if start is not None:
            out[i] = f"  expect {peer} {never}"
            return out, start + 1
        out[i] = f"expect {peer} {never} {SHORT}"
    elif what == "frames":
        count = int(words[3])
        out[i] = f"expect {peer} frames {count + 1} {SHORT}"
    elif what == "silent":
        out.insert(i, f"send {peer} mutant-breaks-the-silence")
        return out, i + 2
    elif what == "finished":
        finish = next((j for j in range(i - 1, -1, -1)
                       if lines[j].split()[:2] == ["finish", peer]), None)
        # Only where nothing between depends on the half-close.
        if finish is None or any(l.split()[:1] in (["expect"], ["await"], ["unordered"])
                                 for l in lines[finish + 1:i]):
            return None
        del out[finish]
        out[i - 1] = strip_within(lines[i]) + " " + SHORT
        return out, i
    else:
        return None
    return out, i + 1


def block_start(lines, i):
    """The index of the `unordered` line whose block holds line i, if any."""
    for j in range(i - 1, -1, -1):
        word = lines[j].split()[:1]
        if word == ["end"]:
            return None
        if word == ["unordered"]:
            return j
    return None


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    runner, work = sys.argv[1], pathlib.Path(sys.argv[2])
    work.mkdir(parents=True, exist_ok=True)
    checked, failures = 0, []
    for script in map(pathlib.Path, sys.argv[3:]):
        lines = script.read_text().splitlines()
        for i in range(len(lines)):
            mutant = mutate(lines, i)
            if mutant is None:
                continue
            text, fail_line = mutant
            path = work / f"{script.stem}_line{i + 1}.scn"
            path.write_text("\n".join(text) + "\n")
            result = subprocess.run(
                [runner, "--expect-failure", str(fail_line), str(path)],
                capture_output=True, text=True, timeout=120)
            checked += 1
            if result.returncode != 0:
                failures.append(f"{script}:{i + 1}: the mutant {path} did not fail at "
                                f"line {fail_line}:\n{result.stdout[-1500:]}")
    for failure in failures:
        print(failure)
    print(f"{checked} mutants, {checked - len(failures)} caught")
    if checked == 0:
        sys.exit("no expectation to mutate")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
