#!/usr/bin/env bash
# Lists every tracked shell script (by extension or shebang), one per line, so shellcheck in
# CI and in the tests covers a new script without anyone adding it to a list.
set -euo pipefail
cd "$(dirname "$0")/.."

{
  git ls-files -- '*.sh'
  # One awk reads only the first line of each file: fast on the whole tree.
  git ls-files -z | xargs -0 awk 'FNR == 1 && /^#!.*[\/ ](ba|da|k)?sh([ \t]|$)/ { print FILENAME } { nextfile }'
} | grep -v '\.ts$' | sort -u
# bin/aidb.ts starts with a one-line shell prologue that re-launches it under the right Node;
# the rest is TypeScript, which shellcheck cannot read (test/integration/cli/launch.test.ts runs it).
