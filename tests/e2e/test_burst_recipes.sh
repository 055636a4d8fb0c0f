# The shard recipes of docs/bursting.md, run as the page writes them: GNU parallel as it stands,
# the Slurm script with the variables Slurm sets for each array task, and the Kubernetes indexed
# Job's command with each JOB_COMPLETION_INDEX (no cluster here). Each must write exactly the
# files of one unsharded burst, with the same bytes. Exit 77 (skipped) without GNU parallel.
source "$(dirname "$0")/lib.sh"
DOC=docs/bursting.md
command -v parallel >/dev/null || { echo "GNU parallel is not installed (make deps installs it)"; exit 77; }
# recipe NAME: the fenced block of the page that holds the line "# recipe: NAME"
recipe() {
    awk -v mark="# recipe: $1" '
        /^```/ { if (inblock) { if (found) { printf "%s", buf; exit } inblock = 0; buf = ""; next }
                 inblock = 1; found = 0; next }
        inblock { buf = buf $0 "\n"; if ($0 == mark) found = 1 }' "$DOC"
}
listing() { (cd "$1" && LC_ALL=C ls -A) }

# A working folder as the recipes expect it: reports/ here, folio on PATH.
W=$TMP/work
mkdir -p "$W" "$TMP/bin"
ln -s "$PWD/reports" "$W/reports"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$FOLIO" >"$TMP/bin/folio"
chmod +x "$TMP/bin/folio"
export PATH="$TMP/bin:$PATH"

# The unsharded burst every recipe must reproduce.
(cd "$W" && folio render reports/4pi-reality-impact --year 2026 --each region -o "$TMP/whole/{value}-{year}.pdf" \
    2>"$TMP/whole.err")
check "the whole burst: exit 0" test $? -eq 0
listing "$TMP/whole" >"$TMP/whole.list"
check "the whole burst has several reports" test "$(wc -l <"$TMP/whole.list")" -ge 5
same_as_whole() { # same_as_whole DIR: DIR holds the whole burst's files, byte for byte
    diff "$TMP/whole.list" <(listing "$1") || return 1
    local f
    for f in "$TMP"/whole/*.pdf; do cmp -s "$f" "$1/$(basename "$f")" || return 1; done
}

# GNU parallel
recipe parallel >"$TMP/parallel.sh"
check "parallel: the recipe is on the page" grep -qF -- '--shard {}/8 ::: 1 2 3 4 5 6 7 8' "$TMP/parallel.sh"
(cd "$W" && sh "$TMP/parallel.sh" >"$TMP/parallel.out" 2>"$TMP/parallel.err")
check "parallel: exit 0" test $? -eq 0
check "parallel: the shards wrote the whole burst, each report once" same_as_whole "$W/out"
check "parallel: eight shards reported" test "$(grep -c '^folio: shard [1-8]/8: ' "$TMP/parallel.err")" -eq 8

# Slurm job array: --array=1-N gives SLURM_ARRAY_TASK_ID 1..N and SLURM_ARRAY_TASK_COUNT N
recipe slurm >"$TMP/slurm.sh"
n=$(sed -n 's/^#SBATCH --array=1-\([0-9]*\)$/\1/p' "$TMP/slurm.sh")
check "slurm: the script is a 1-based job array" test -n "$n"
rm -rf "$W/out"
okrc=1
for k in $(seq 1 "${n:-0}"); do
    (cd "$W" && SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=$n SLURM_CPUS_PER_TASK=2 sh "$TMP/slurm.sh" 2>>"$TMP/slurm.err") || okrc=0
done
check "slurm: every task exits 0" test "$okrc" -eq 1
check "slurm: the tasks wrote the whole burst, each report once" same_as_whole "$W/out"

# Kubernetes indexed Job: JOB_COMPLETION_INDEX is 0..completions-1
recipe k8s >"$TMP/job.yaml"
check "k8s: an indexed Job" grep -qx '  completionMode: Indexed' "$TMP/job.yaml"
n=$(sed -n 's/^  completions: \([0-9]*\)$/\1/p' "$TMP/job.yaml")
cmd=$(sed -n '/^ *args:$/{n;s/^ *- //p}' "$TMP/job.yaml")
check "k8s: the command shards by completions" grep -qF -- "--shard \"\$((JOB_COMPLETION_INDEX + 1))/$n\"" <<<"$cmd"
cmd=${cmd//\/reports/$W/reports}
cmd=${cmd//\/out/$TMP/k8s}
okrc=1
for i in $(seq 0 $((${n:-1} - 1))); do
    JOB_COMPLETION_INDEX=$i sh -c "$cmd" 2>>"$TMP/k8s.err" || okrc=0
done
check "k8s: every pod exits 0" test "$okrc" -eq 1
check "k8s: the pods wrote the whole burst, each report once" same_as_whole "$TMP/k8s"

finish
