#!/usr/bin/env bash
#! The docs' links and paths: every relative link in the README, ferry's
#! README and guide, and the other READMEs must lead to a file or folder
#! that exists, and every repository path they name in backquotes
#! (`app/counter/src/lib.rs`, `scripts/`) must exist too. Build output
#! (target/, node_modules/) and placeholders (<name>, *) are not checked.
#! Usage: scripts/link-check.sh [markdown files]   (default: the docs above)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if [ $# -eq 0 ]; then
  set -- $(git ls-files --cached --others --exclude-standard '*.md' | grep -vE '^(end2end/node_modules|template/)|CHANGELOG\.md$')
  # The guide shows the example shop's files: an app without the shop
  # keeps the guide, not what it points at.
  if [ ! -d app/catalog ]; then
    set -- $(printf '%s\n' "$@" | grep -v '^ferry/guide/')
  fi
fi
python3 - "$@" <<'PY'
import os, re, sys

roots = set(os.listdir("."))
missing = []
links = paths = 0
for doc in sys.argv[1:]:
    text = open(doc, encoding="utf-8").read()
    # Code blocks are examples, not references (a path in a shell session
    # may be one the example creates).
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    base = os.path.dirname(doc)
    for n, line in enumerate(prose.splitlines(), 1):
        for target in re.findall(r"\]\(([^)\s]+)\)", line):
            if re.match(r"^(https?:|mailto:|#)", target):
                continue
            links += 1
            path = os.path.normpath(os.path.join(base, target.split("#")[0]))
            if not os.path.exists(path):
                missing.append(f"{doc}: link to {target} ({path} does not exist)")
        for span in re.findall(r"`([^`\s]+)`", line):
            span = span.rstrip(".,:;")
            first = span.split("/")[0]
            if "/" not in span or first not in roots or first in ("target", "node_modules"):
                continue
            if re.search(r"[<>*{}$|]|\.\.\.", span):
                continue
            # A file has an extension and a folder ends with `/`; anything
            # else (`ferry/ssr`, `leptos/islands`) is a crate's feature.
            if not (span.endswith("/") or "." in span.split("/")[-1]):
                continue
            # `file.rs:12` and `file.rs:fn` name a place inside the file.
            path = re.sub(r":[^/]*$", "", span)
            paths += 1
            if not os.path.exists(path):
                missing.append(f"{doc}: path `{span}` does not exist")
for problem in missing:
    print(f"link-check: {problem}", file=sys.stderr)
print(f"link-check: {links} links and {paths} paths in {len(sys.argv) - 1} files, {len(missing)} missing")
sys.exit(1 if missing else 0)
PY
