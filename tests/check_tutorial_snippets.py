#!/usr/bin/env python3
"""Fails unless every ```cpp block of docs/tutorial.md occurs verbatim in a
file under examples/tutorial/ (which the normal build compiles)."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
doc = (root / "docs/tutorial.md").read_text()
sources = "\n".join(p.read_text() for p in (root / "examples/tutorial").glob("*.cpp"))
blocks = re.findall(r"```cpp\n(.*?)```", doc, re.S)
missing = [b for b in blocks if b not in sources]
if not blocks:
    sys.exit("docs/tutorial.md has no C++ snippets")
for block in missing:
    print("not found in examples/tutorial:\n" + block, file=sys.stderr)
print(f"{len(blocks) - len(missing)} of {len(blocks)} snippets found")
sys.exit(1 if missing else 0)
