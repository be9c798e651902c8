#!/usr/bin/env bash
# Regenerates the option table in README.md from the code (`vigil options`).
set -euo pipefail
cd "$(dirname "$0")/.."
table=$(./vigil options 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | grep '^|')
python3 - "$table" <<'PY'
import sys, re
table = sys.argv[1]
s = open('README.md').read()
begin = s.index('<!-- options:begin')
begin = s.index('\n', begin) + 1
end = s.index('<!-- options:end -->')
open('README.md', 'w').write(s[:begin] + table + '\n' + s[end:])
PY
echo "README.md option table regenerated"
