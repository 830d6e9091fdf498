// Every word on the screens, in Danish and English. Names of processes, steps and roles
// come from the definitions and the organisation file as written, untranslated.
"use strict";
const TEXTS = {
  en: {
    "language": "Language", "logout": "Log out", "login": "Log in", "login.title": "Log in to raciflow",
    "login.person": "User name", "login.password": "Password", "login.failed": "Wrong user name or password.",
    "nav.tasks": "My tasks", "nav.cases": "Cases", "nav.definitions": "Processes", "nav.audit": "Audit",
    "tasks.title": "My tasks", "tasks.none": "Nothing to do right now.", "tasks.notifications": "Notifications",
    "tasks.no_notifications": "No notifications.",
    "col.task": "Task", "col.step": "Step", "col.process": "Process", "col.case": "Case", "col.role": "Role",
    "col.due": "Due", "col.status": "Status", "col.assignee": "Claimed by", "col.why": "Why",
    "col.time": "Time", "col.person": "Person", "col.raci": "RACI", "col.action": "Action", "col.data": "Data",
    "col.started": "Started", "col.current": "Current steps", "col.kind": "Kind", "col.version": "Version",
    "col.name": "Name", "col.step_id": "Step id",
    "why.responsible": "Responsible", "why.consulted": "Consulted",
    "kind.informed": "Informed", "kind.escalation": "Escalation", "kind.consultation": "Consultation",
    "overdue": "overdue", "escalated": "escalated",
    "status.open": "open", "status.claimed": "claimed", "status.completed": "completed", "status.cancelled": "cancelled",
    "status.active": "active", "status.terminated": "terminated", "status.incident": "incident",
    "claim": "Claim", "unclaim": "Give back", "open": "Open", "complete": "Complete",
    "task.title": "Task", "task.decide": "Your decision", "task.comment": "Comment (kept in the audit trail)",
    "task.consult": "Your answer to the consultation", "task.answer": "Send answer",
    "task.claim_first": "Claim the task to work on it.", "task.done": "Task completed.", "task.claimed": "Task claimed.",
    "task.unclaimed": "Task given back.", "task.answered": "Answer recorded.", "task.accountable": "Accountable",
    "task.consulted": "Consulted", "task.informed": "Informed", "task.iso": "ISO 27001", "task.variables": "Case data",
    "task.gap": "A no here is recorded as a gap:",
    "yes": "Yes", "no": "No", "choose": "Choose…",
    "cases.title": "Cases", "cases.none": "No cases match.", "cases.start": "Start a case",
    "filter.process": "Process", "filter.status": "Status", "filter.role": "Role", "filter.overdue": "Only overdue",
    "filter.any": "Any",
    "case.title": "Case", "case.diagram": "Where the case stands", "case.audit": "Audit trail",
    "case.tasks": "Tasks", "case.csv": "Export the trail as CSV", "case.cancel": "Cancel the case",
    "case.reason": "Reason", "case.cancelled": "Case cancelled.", "case.variables": "Case data",
    "case.parent": "Started by case", "case.children": "Child cases", "case.incident": "Incident",
    "legend.done": "done", "legend.active": "current", "legend.overdue": "overdue", "legend.incident": "incident",
    "defs.title": "Processes", "defs.raci": "RACI matrix", "defs.diagram": "Diagram", "defs.deploy": "Deploy a new version",
    "defs.file": "BPMN file", "defs.deployed": "Deployed:", "defs.none": "Nothing is deployed yet.",
    "start.title": "Start a case", "start.process": "Process", "start.key": "Reference (optional)", "start.go": "Start",
    "start.started": "Case started:",
    "audit.title": "Audit", "audit.verify": "Verify the audit trail", "audit.ok": "The trail is intact:",
    "audit.records": "records in an unbroken chain;", "audit.cases": "cases replay to their stored state.",
    "audit.bad": "The trail is broken:", "audit.all_csv": "Export the whole trail as CSV",
    "error": "Error", "loading": "Loading…",
  },
  da: {
    "language": "Sprog", "logout": "Log ud", "login": "Log ind", "login.title": "Log ind i raciflow",
    "login.person": "Brugernavn", "login.password": "Adgangskode", "login.failed": "Forkert brugernavn eller adgangskode.",
    "nav.tasks": "Mine opgaver", "nav.cases": "Sager", "nav.definitions": "Processer", "nav.audit": "Revision",
    "tasks.title": "Mine opgaver", "tasks.none": "Intet at gøre lige nu.", "tasks.notifications": "Orienteringer",
    "tasks.no_notifications": "Ingen orienteringer.",
    "col.task": "Opgave", "col.step": "Trin", "col.process": "Proces", "col.case": "Sag", "col.role": "Rolle",
    "col.due": "Frist", "col.status": "Status", "col.assignee": "Taget af", "col.why": "Hvorfor",
    "col.time": "Tidspunkt", "col.person": "Person", "col.raci": "RACI", "col.action": "Handling", "col.data": "Data",
    "col.started": "Startet", "col.current": "Aktuelle trin", "col.kind": "Type", "col.version": "Version",
    "col.name": "Navn", "col.step_id": "Trin-id",
    "why.responsible": "Ansvarlig", "why.consulted": "Konsulteret",
    "kind.informed": "Orienteret", "kind.escalation": "Eskalering", "kind.consultation": "Konsultation",
    "overdue": "overskredet", "escalated": "eskaleret",
    "status.open": "åben", "status.claimed": "taget", "status.completed": "afsluttet", "status.cancelled": "annulleret",
    "status.active": "aktiv", "status.terminated": "afbrudt", "status.incident": "hændelse",
    "claim": "Tag opgaven", "unclaim": "Giv tilbage", "open": "Åbn", "complete": "Afslut",
    "task.title": "Opgave", "task.decide": "Din beslutning", "task.comment": "Bemærkning (gemmes i revisionssporet)",
    "task.consult": "Dit svar på konsultationen", "task.answer": "Send svar",
    "task.claim_first": "Tag opgaven for at arbejde på den.", "task.done": "Opgaven er afsluttet.", "task.claimed": "Opgaven er taget.",
    "task.unclaimed": "Opgaven er givet tilbage.", "task.answered": "Svaret er registreret.", "task.accountable": "Godkender (A)",
    "task.consulted": "Konsulteres (C)", "task.informed": "Orienteres (I)", "task.iso": "ISO 27001", "task.variables": "Sagens data",
    "task.gap": "Et nej her registreres som et hul:",
    "yes": "Ja", "no": "Nej", "choose": "Vælg…",
    "cases.title": "Sager", "cases.none": "Ingen sager passer.", "cases.start": "Start en sag",
    "filter.process": "Proces", "filter.status": "Status", "filter.role": "Rolle", "filter.overdue": "Kun overskredne",
    "filter.any": "Alle",
    "case.title": "Sag", "case.diagram": "Hvor sagen står", "case.audit": "Revisionsspor",
    "case.tasks": "Opgaver", "case.csv": "Eksportér sporet som CSV", "case.cancel": "Annullér sagen",
    "case.reason": "Begrundelse", "case.cancelled": "Sagen er annulleret.", "case.variables": "Sagens data",
    "case.parent": "Startet af sag", "case.children": "Undersager", "case.incident": "Hændelse",
    "legend.done": "udført", "legend.active": "aktuelt", "legend.overdue": "overskredet", "legend.incident": "hændelse",
    "defs.title": "Processer", "defs.raci": "RACI-matrix", "defs.diagram": "Diagram", "defs.deploy": "Udrul en ny version",
    "defs.file": "BPMN-fil", "defs.deployed": "Udrullet:", "defs.none": "Intet er udrullet endnu.",
    "start.title": "Start en sag", "start.process": "Proces", "start.key": "Reference (valgfri)", "start.go": "Start",
    "start.started": "Sagen er startet:",
    "audit.title": "Revision", "audit.verify": "Kontrollér revisionssporet", "audit.ok": "Sporet er intakt:",
    "audit.records": "poster i en ubrudt kæde;", "audit.cases": "sager afspilles til deres gemte tilstand.",
    "audit.bad": "Sporet er brudt:", "audit.all_csv": "Eksportér hele sporet som CSV",
    "error": "Fejl", "loading": "Henter…",
  },
};

// The language: what the person chose before, else what the server read from the
// browser's Accept-Language (the lang attribute of the page).
function currentLanguage() {
  const chosen = localStorage.getItem("raciflow.lang");
  if (chosen && TEXTS[chosen]) return chosen;
  const fromServer = document.documentElement.lang;
  return TEXTS[fromServer] ? fromServer : "en";
}

function t(key) {
  const lang = currentLanguage();
  return (TEXTS[lang] && TEXTS[lang][key]) || TEXTS.en[key] || key;
}
