#!/usr/bin/env python3
"""Fails unless every ```cpp and ```cmake block of docs/tutorial.md occurs
verbatim in a file under examples/tutorial/ (the normal build compiles the
app; an install test builds it with standalone/CMakeLists.txt)."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
doc = (root / "docs/tutorial.md").read_text()
tutorial = root / "examples/tutorial"
files = list(tutorial.rglob("*.cpp")) + list(tutorial.rglob("CMakeLists.txt"))
sources = "\n".join(p.read_text() for p in files)
blocks = re.findall(r"```(?:cpp|cmake)\n(.*?)```", doc, re.S)
missing = [b for b in blocks if b not in sources]
if not blocks:
    sys.exit("docs/tutorial.md has no C++ or CMake snippets")
for block in missing:
    print("not found in examples/tutorial:\n" + block, file=sys.stderr)
print(f"{len(blocks) - len(missing)} of {len(blocks)} snippets found")
sys.exit(1 if missing else 0)
