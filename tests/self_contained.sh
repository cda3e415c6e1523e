#!/usr/bin/env bash
# self_contained.sh REPO: a clone of the repository alone builds and passes
# its tests, so no tracked file may reach outside it: no path into a sibling
# folder (../shared and the like: CI and users may not have one) and no
# definition naming one. Prints each offending line; exit status 1 if any.
set -u
cd "$1" || exit 1
self=tests/self_contained.sh
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard | grep -vxF "$self")
else
  mapfile -t files < <(find . -path ./build -prune -o -path ./.git -prune -o -type f -print |
    sed 's|^\./||' | grep -vxF "$self")
fi
if ((${#files[@]} == 0)); then
  echo "FAIL: no file found to check"
  exit 1
fi
pattern='\.\./shared|shared/testdata|shared/ARCHITECTURE|ADIEU_SHARED_DIR|CMAKE_SOURCE_DIR\}/\.\.'
if hits=$(grep -nE -- "$pattern" "${files[@]}" 2>/dev/null); then
  echo "FAIL: these lines reach outside the repository:"
  printf '%s\n' "$hits"
  exit 1
fi
echo "ok: ${#files[@]} files, none reaches outside the repository"
