#!/usr/bin/env bash
# How trail-v6.db was made: with raciflow at commit d6a78a9 (schema 6, one audit record per
# engine event), before the lean trail. Kept for the record; a newer raciflow writes the
# lean form, so running this again makes a different file.
#   bash tests/data/before-lean/make.sh build/raciflow tests/data/before-lean/trail-v6.db
set -euo pipefail
rf_bin=$1 db=$2
rm -f "$db" "$db-wal" "$db-shm"
clock=2026-03-02T09:00:00Z
rf() { "$rf_bin" --db "$db" --clock "$clock" "$@"; }
task() { rf tasks --case "$1" --node "$2" --ids | head -1; }
done_at() { rf complete "$(task "$1" "$2")" --as "$3" "${@:4}" > /dev/null; }

rf deploy samples/deviation-handling.bpmn samples/corrective-action.bpmn tests/data/events.bpmn tests/data/undo.bpmn --as anna > /dev/null
rf org load samples/org.xml --as anna > /dev/null

# The demo's deviation: a consultation, a completion, then an escalation by the clock.
dev=$(rf message "External input" --as anna --key DEV-2026-014 --var 'summary=Phishing wave against payroll')
clock=2026-03-03T10:00:00Z
rf consult "$(task "$dev" assess-input)" --as mette --answer "Payroll and HR mailboxes were targeted" > /dev/null
done_at "$dev" assess-input jonas --var committeeDecisionNeeded=true
clock=2026-04-03T09:00:00Z
rf tick > /dev/null

# Event sub-processes, signals, timers, multi-instance, conditional events.
clock=2026-03-02T09:00:00Z
inc=$(rf start incident-response --as anna --key INC-1)
rf message "more information" --as anna --key INC-1 > /dev/null
rf signal "threat level changed" --as anna > /dev/null
done_at "$inc" triage anna --var 'units=["hr","procurement"]'
done_at "$inc" fix anna --var severity=low
done_at "$inc" fix anna --var step=3
done_at "$inc" reassess anna --var severity=high
clock=2026-03-03T09:00:00Z
rf tick > /dev/null
done_at "$inc" isolate anna
done_at "$inc" report anna

# A transaction whose check fails: compensation, last first.
ac=$(rf message "access change requested" --as anna --key AC-1)
done_at "$ac" grant sofie
done_at "$ac" register sofie
done_at "$ac" check jonas --var withinPolicy=false
done_at "$ac" unregister sofie
done_at "$ac" revoke sofie
done_at "$ac" tell sofie

# A refused completion (sofie is not on the committee) stays in the trail.
rf complete "$(task "$dev" committee-decides)" --as sofie > /dev/null 2>&1 && exit 1
rf audit verify
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;" > /dev/null
