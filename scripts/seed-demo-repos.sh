#!/usr/bin/env bash
# Commits each folder of demo/repos as a bare git repository in the target
# directory (default: data/repos), once, so repository discovery has
# something to find. Used by `./portal start` and the browser test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repos="${1:-$ROOT/data/repos}"
mkdir -p "$repos"
for src in "$ROOT"/demo/repos/*/; do
  name="$(basename "$src")"
  bare="$repos/$name.git"
  [ -d "$bare" ] && continue
  git init -q --bare --initial-branch=main "$bare"
  git --git-dir="$bare" --work-tree="$src" add -A
  git --git-dir="$bare" --work-tree="$src" \
    -c user.name="Platform Portal" -c user.email="portal@example.com" \
    commit -q -m "Initial commit of the $name demo repository"
  echo "portal: seeded demo repository $bare"
done
