#!/usr/bin/env bash
# Builds the zip to upload as a Gradescope autograder for one exercise:
#   gradescope/make-autograder.sh EXERCISE_ID [OUT.zip]
# The zip holds the committed project (git archive HEAD) with setup.sh, run_autograder and a
# file exercise-id at its root, where Gradescope looks for them.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: gradescope/make-autograder.sh EXERCISE_ID [OUT.zip]" >&2
  exit 2
fi
root=$(cd -- "$(dirname -- "$0")/.." && pwd)
exercise=$1
out=$(realpath -m -- "${2:-autograder-$exercise.zip}")
if [ ! -f "$root/exercises/$exercise/checks.ts" ]; then
  echo "There is no exercise \"$exercise\" in exercises/." >&2
  exit 2
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
printf '%s\n' "$exercise" >"$staging/exercise-id"
cp "$root/gradescope/setup.sh" "$root/gradescope/run_autograder" "$staging/"
git -C "$root" archive --format=zip -o "$out" \
  --add-file="$staging/exercise-id" --add-file="$staging/setup.sh" --add-file="$staging/run_autograder" HEAD
echo "Wrote $out: upload it as the autograder of the Gradescope assignment for $exercise."
