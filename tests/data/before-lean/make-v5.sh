#!/usr/bin/env bash
# How trail-v5.db was made: with raciflow at commit c700bab (schema 5, one audit record per
# engine event, tasks without multi-instance columns), two releases before the lean trail.
# Kept for the record; a newer raciflow writes a different file.
#   bash tests/data/before-lean/make-v5.sh OLD_BUILD/raciflow tests/data/before-lean/trail-v5.db
set -euo pipefail
rf_bin=$1 db=$2
rm -f "$db" "$db-wal" "$db-shm"
clock=2026-03-02T09:00:00Z
rf() { "$rf_bin" --db "$db" --clock "$clock" "$@"; }
task() { rf tasks --case "$1" --node "$2" --ids | head -1; }
done_at() { rf complete "$(task "$1" "$2")" --as "$3" "${@:4}" > /dev/null; }

rf deploy samples/deviation-handling.bpmn samples/corrective-action.bpmn tests/data/signals.bpmn --as anna > /dev/null
rf org load samples/org.xml --as anna > /dev/null

# A deviation: a consultation, a completion, then an escalation by the clock; it waits for
# the committee.
dev=$(rf message "External input" --as anna --key DEV-2026-007 --var 'summary=Lost laptop')
clock=2026-03-03T10:00:00Z
rf consult "$(task "$dev" assess-input)" --as mette --answer "The disk was encrypted" > /dev/null
done_at "$dev" assess-input jonas --var committeeDecisionNeeded=true
clock=2026-04-03T09:00:00Z
rf tick > /dev/null

# A corrective action, claimed and half done.
ca=$(rf start corrective-action --as anna --key CA-1)
rf claim "$(task "$ca" contain)" --as peter > /dev/null
done_at "$ca" contain peter

# A signal starts a case.
rf signal "threat level changed" --as anna > /dev/null

# A refused completion (sofie is not on the committee) stays in the trail.
rf complete "$(task "$dev" committee-decides)" --as sofie > /dev/null 2>&1 && exit 1
rf audit verify
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;" > /dev/null
