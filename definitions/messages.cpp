#include "definitions/messages.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace raciflow::definitions {

namespace {

struct Templates {
  const char* en;
  const char* da;
};

// The catalogue: each id's English and Danish template. The English is the text findings
// have always had (scripts and tests read it); the Danish is what a Danish reader sees.
const std::map<std::string_view, Templates>& catalogue() {
  static const std::map<std::string_view, Templates> texts = {
      // Reading the file (definitions/xml_source.cpp).
      {"file.missing", {"cannot read: no such file", "kan ikke læses: filen findes ikke"}},
      {"file.directory", {"is a directory, not a definition file", "er en mappe, ikke en definitionsfil"}},
      {"file.not_regular", {"is not a regular file", "er ikke en almindelig fil"}},
      {"file.unreadable_because", {"cannot read: {why}", "kan ikke læses: {why}"}},
      {"file.unreadable", {"cannot read: permission denied or unreadable", "kan ikke læses: adgang nægtet eller ulæselig"}},
      {"file.changed", {"cannot read: the file changed while it was read", "kan ikke læses: filen ændrede sig, mens den blev læst"}},
      {"file.too_large", {"file is too large ({size} MiB; definitions are limited to {limit} MiB)",
                          "filen er for stor ({size} MiB; definitioner må højst fylde {limit} MiB)"}},
      {"xml.too_large", {"definition is too large (limit {limit} MiB)", "definitionen er for stor (højst {limit} MiB)"}},
      {"xml.utf16", {"UTF-16 and UTF-32 are not supported: save the file as UTF-8", "UTF-16 og UTF-32 understøttes ikke: gem filen som UTF-8"}},
      {"xml.empty", {"malformed XML: the file is empty", "ugyldig XML: filen er tom"}},
      {"xml.bad_utf8", {"invalid UTF-8 (byte {byte}); declare encoding=\"ISO-8859-1\" if that is what the file is",
                        "ugyldig UTF-8 (byte {byte}); angiv encoding=\"ISO-8859-1\", hvis filen er det"}},
      {"xml.encoding", {"unsupported encoding '{encoding}': use UTF-8 or ISO-8859-1", "tegnsættet '{encoding}' understøttes ikke: brug UTF-8 eller ISO-8859-1"}},
      {"xml.bad_reference", {"the character reference {reference} names no XML character (a surrogate, U+FFFE/U+FFFF or above U+10FFFF)",
                             "tegnreferencen {reference} angiver intet XML-tegn (en surrogat, U+FFFE/U+FFFF eller over U+10FFFF)"}},
      {"xml.malformed", {"malformed XML: {why}", "ugyldig XML: {why}"}},
      {"xml.doctype", {"DOCTYPE declarations are not allowed in definitions (no DTDs, no entities)",
                       "DOCTYPE-erklæringer er ikke tilladt i definitioner (ingen DTD'er, ingen entiteter)"}},
      {"xml.too_deep", {"elements are nested deeper than {depth} levels", "elementerne er indlejret dybere end {depth} niveauer"}},
      // Reading BPMN (definitions/loader*.cpp).
      {"bpmn.no_root", {"malformed XML: no root element", "ugyldig XML: intet rodelement"}},
      {"bpmn.not_bpmn", {"not a BPMN 2.0 file: the root element is <{root}> in {namespace}; expected <definitions> in {expected}",
                         "ikke en BPMN 2.0-fil: rodelementet er <{root}> i {namespace}; forventede <definitions> i {expected}"}},
      {"bpmn.not_executed", {"<{element}> '{id}' is loaded but not executed", "<{element}> '{id}' indlæses, men udføres ikke"}},
      {"bpmn.global_not_called", {"<{element}> '{id}' is called by no call activity, so it never runs",
                                  "<{element}> '{id}' kaldes ikke af nogen kaldaktivitet, så den kører aldrig"}},
      {"bpmn.foreign_attributes",
       {"attributes in namespace {namespace} (first: {attribute} on {element}) are not executed by raciflow; further ones are not reported",
        "egenskaber i navnerummet {namespace} (den første: {attribute} på {element}) udføres ikke af raciflow; flere rapporteres ikke"}},
      {"bpmn.unknown_attribute",
       {"attribute {attribute} on {element} is not BPMN 2.0 as raciflow reads it and is ignored; further ones are not reported",
        "egenskaben {attribute} på {element} er ikke BPMN 2.0, som raciflow læser det, og ignoreres; flere rapporteres ikke"}},
      {"bpmn.duplicate_id", {"duplicate id '{id}' (first used on line {line})", "id'et '{id}' findes to gange (første gang på linje {line})"}},
      {"bpmn.collaboration_not_executed", {"<{element}> in a collaboration is loaded but not executed",
                                           "<{element}> i et samarbejde indlæses, men udføres ikke"}},
      {"bpmn.unknown_raci_attribute", {"unknown attribute raci:{attribute} on {owner} is ignored", "den ukendte egenskab raci:{attribute} på {owner} ignoreres"}},
      {"bpmn.flow_no_id", {"<sequenceFlow> has no id", "<sequenceFlow> har intet id"}},
      {"bpmn.lane_no_role", {"lane has neither raci:role nor id", "banen har hverken raci:role eller id"}},
      {"bpmn.node_no_id", {"<{element}> has no id", "<{element}> har intet id"}},
      {"bpmn.unknown_element", {"unknown element <{element}>{where} is ignored", "det ukendte element <{element}>{where} ignoreres"}},
      {"bpmn.bad_duration", {"raci:due of '{id}' is not an ISO 8601 duration: '{text}' ({why})",
                             "raci:due på '{id}' er ikke en ISO 8601-varighed: '{text}' ({why})"}},
      {"bpmn.bad_timer", {"{attribute} of '{id}' is not an ISO 8601 {kind}: '{text}' ({why})",
                          "{attribute} på '{id}' er ikke {kind} efter ISO 8601: '{text}' ({why})"}},
      {"bpmn.raci_not_activity", {"{attribute} on {element} '{id}' has no effect: RACI belongs to activities",
                                  "{attribute} på {element} '{id}' har ingen virkning: RACI hører til aktiviteter"}},
      {"bpmn.human_only", {"{attribute} on {element} '{id}' has no effect: only user and manual tasks fall due and are completed by a person",
                           "{attribute} på {element} '{id}' har ingen virkning: kun bruger- og manuelle opgaver har frist og udføres af en person"}},
      {"bpmn.not_variable", {"{attribute} of '{id}' must name a variable, not '{text}'", "{attribute} på '{id}' skal angive en variabel, ikke '{text}'"}},
      {"bpmn.bad_consult", {"raci:consult of '{id}' is '{text}'; expected before or alongside",
                            "raci:consult på '{id}' er '{text}'; forventede before eller alongside"}},
      {"activity.consult_nobody", {"raci:consult=\"before\" on {node} has no effect: it consults no role (raci:consulted)",
                                   "raci:consult=\"before\" på {node} har ingen virkning: den konsulterer ingen rolle (raci:consulted)"}},
      {"bpmn.timer_empty", {"timer of '{id}' has no timeDate, timeDuration or timeCycle with a value",
                            "timeren på '{id}' har ingen timeDate, timeDuration eller timeCycle med en værdi"}},
      {"bpmn.timer_several", {"timer of '{id}' has more than one of timeDate, timeDuration, timeCycle",
                              "timeren på '{id}' har mere end én af timeDate, timeDuration, timeCycle"}},
      // The process as a graph.
      {"process.no_nodes", {"process '{process}' has no flow nodes", "processen '{process}' har ingen elementer"}},
      {"process.no_start", {"process '{process}' has no start event", "processen '{process}' har ingen starthændelse"}},
      {"flow.unknown_source", {"sequence flow '{flow}' comes from unknown id '{ref}'", "sekvensflowet '{flow}' kommer fra det ukendte id '{ref}'"}},
      {"flow.unknown_target", {"sequence flow '{flow}' goes to unknown id '{ref}'", "sekvensflowet '{flow}' går til det ukendte id '{ref}'"}},
      {"flow.crosses_boundary",
       {"sequence flow '{flow}' crosses a sub-process boundary ('{source}' to '{target}'); flows stay inside one (sub-)process",
        "sekvensflowet '{flow}' krydser en delproces' grænse ('{source}' til '{target}'); et flow bliver inden for én (del)proces"}},
      {"flow.into_start", {"sequence flow '{flow}' goes into start event '{target}'", "sekvensflowet '{flow}' går ind i starthændelsen '{target}'"}},
      {"flow.out_of_end", {"sequence flow '{flow}' leaves end event '{source}'", "sekvensflowet '{flow}' forlader sluthændelsen '{source}'"}},
      {"flow.no_condition",
       {"sequence flow '{flow}' leaves the {split} split '{gateway}' with neither a condition nor being its default",
        "sekvensflowet '{flow}' forlader {split} forgrening '{gateway}' uden en betingelse og uden at være dens standardflow"}},
      {"sub.no_start", {"{node} has no start event", "{node} har ingen starthændelse"}},
      {"node.unreachable", {"{node} is not reachable from a start event", "{node} kan ikke nås fra en starthændelse"}},
      {"node.no_end", {"no end event can be reached from {node} (a loop without an exit?)",
                       "ingen sluthændelse kan nås fra {node} (en løkke uden udgang?)"}},
      {"node.dead_end", {"{node} has no outgoing sequence flow: its path ends there without an end event",
                         "{node} har intet udgående sekvensflow: vejen ender der uden en sluthændelse"}},
      {"gateway.does_nothing", {"{node} has one way in and one way out: it does nothing", "{node} har én vej ind og én vej ud: den gør intet"}},
      {"gateway.bad_default", {"{node} names default flow '{flow}', which is not one of its outgoing flows",
                               "{node} angiver standardflowet '{flow}', som ikke er et af dens udgående flow"}},
      {"gateway.event_target",
       {"event-based gateway '{gateway}' leads to {node}; it may only lead to timer, message or signal catch events and receive tasks",
        "den hændelsesbaserede gateway '{gateway}' fører til {node}; den må kun føre til ventende timer-, meddelelses- og "
        "signalhændelser og modtageopgaver"}},
      {"join.waits_forever",
       {"parallel join '{gateway}' is fed by the {split} split '{source}' (line {line}): only one of its branches arrives, so the join "
        "waits forever; use an exclusive merge",
        "den parallelle samling '{gateway}' får sine grene fra {split} forgrening '{source}' (linje {line}): kun én af grenene når "
        "frem, så samlingen venter for evigt; brug en eksklusiv samling"}},
      // Events and what they refer to.
      {"event.unknown_host", {"{node} is attached to unknown id '{ref}'", "{node} er sat på det ukendte id '{ref}'"}},
      {"event.host_not_activity", {"{node} is attached to {host}, which is not an activity", "{node} er sat på {host}, som ikke er en aktivitet"}},
      {"event.unknown_message", {"{node} refers to unknown message '{ref}'", "{node} henviser til den ukendte meddelelse '{ref}'"}},
      {"event.no_signal_ref", {"{node} has a signal event definition without a signalRef", "{node} har en signalhændelse uden signalRef"}},
      {"event.unknown_signal", {"{node} refers to unknown signal '{ref}'", "{node} henviser til det ukendte signal '{ref}'"}},
      {"event.unknown_escalation", {"{node} refers to unknown escalation '{ref}'", "{node} henviser til den ukendte eskalering '{ref}'"}},
      {"event.no_escalation_ref", {"{node} throws an escalation without an escalationRef", "{node} udsender en eskalering uden escalationRef"}},
      {"event.unknown_error", {"{node} refers to unknown error '{ref}'", "{node} henviser til den ukendte fejl '{ref}'"}},
      // Roles and RACI.
      {"role.not_checked",
       {"{node} names role '{role}' in {attribute}, which is no lane's role: not checked without an organisation (validate --org FILE)",
        "{node} nævner rollen '{role}' i {attribute}, som ikke er en banes rolle: ikke kontrolleret uden en organisation "
        "(validate --org FIL)"}},
      {"role.unknown", {"{node} names unknown role '{role}' in {attribute} ({known})", "{node} nævner den ukendte rolle '{role}' i {attribute} ({known})"}},
      {"activity.no_lane", {"{node} is in no lane", "{node} ligger ikke i nogen bane"}},
      {"activity.no_lane_no_r", {"{node} is in no lane and has no raci:responsible", "{node} ligger ikke i nogen bane og har ingen raci:responsible"}},
      {"activity.no_r", {"{node} has no Responsible role: put it in a lane or set raci:responsible",
                         "{node} har ingen udførende rolle (R): læg den i en bane eller sæt raci:responsible"}},
      {"activity.one_a", {"{node} needs exactly one Accountable role, has {roles}: set raci:accountable",
                          "{node} skal have præcis én ansvarlig rolle (A), har {roles}: sæt raci:accountable"}},
      {"activity.due_ignored", {"raci:due on {node} has no effect: only user and manual tasks fall due",
                                "raci:due på {node} har ingen virkning: kun bruger- og manuelle opgaver har frist"}},
      {"activity.separate_unknown", {"raci:separateFrom of {node} names unknown activity '{ref}'",
                                     "raci:separateFrom på {node} nævner den ukendte aktivitet '{ref}'"}},
      {"activity.separate_self", {"raci:separateFrom of {node} names the activity itself", "raci:separateFrom på {node} nævner aktiviteten selv"}},
      {"call.no_called_element", {"{node} has no calledElement", "{node} har intet calledElement"}},
      {"call.not_loaded", {"{node} calls process '{ref}', which is not in the loaded files", "{node} kalder processen '{ref}', som ikke er i de indlæste filer"}},
      // Lanes.
      {"lane.unknown_node", {"{lane} lists unknown flow node '{ref}'", "{lane} nævner det ukendte element '{ref}'"}},
      {"lane.no_role_steps", {"{lane} has no raci:role: its tasks would reach no one; choose one of the organisation's roles",
                              "{lane} har ingen raci:role: dens opgaver ville ikke nå nogen; vælg en af organisationens roller"}},
      {"lane.no_role", {"{lane} has no raci:role", "{lane} har ingen raci:role"}},
      {"lane.role_unknown_steps",
       {"{lane} has role '{role}', which the organisation does not have: its tasks would reach no one; choose one of the "
        "organisation's roles",
        "{lane} har rollen '{role}', som organisationen ikke har: dens opgaver ville ikke nå nogen; vælg en af organisationens roller"}},
      {"lane.role_unknown", {"{lane} has role '{role}', which the organisation does not have",
                             "{lane} har rollen '{role}', som organisationen ikke har"}},
      {"lane.unused", {"{lane} with role '{role}' holds no step and is named in no RACI attribute",
                       "{lane} med rollen '{role}' har intet trin og nævnes i ingen RACI-egenskab"}},
      // Conditions.
      {"condition.empty", {"empty condition on {owner} is ignored", "den tomme betingelse på {owner} ignoreres"}},
      {"condition.other_language",
       {"condition on {owner} is in the expression language {language} and is not evaluated; write it in raciflow's condition language",
        "betingelsen på {owner} er i udtrykssproget {language} og evalueres ikke; skriv den i raciflows betingelsessprog"}},
      {"condition.feel_outside", {"condition on {owner} is FEEL outside the subset raciflow evaluates ({why}): '{text}'",
                                  "betingelsen på {owner} er FEEL uden for den del, raciflow evaluerer ({why}): '{text}'"}},
      {"condition.does_not_parse", {"condition on {owner} does not parse: {why} at column {column} of '{text}'",
                                    "betingelsen på {owner} kan ikke læses: {why} ved kolonne {column} i '{text}'"}},
      // Refusals of what a person asks of a case (engine/, runtime/), shown by the web app.
      {"case.already_started", {"case {case} has already started", "sagen {case} er allerede startet"}},
      {"case.cancel_needs_reason", {"a cancellation needs a reason", "en annullering kræver en begrundelse"}},
      {"case.no_incident", {"case {case} has no incident to retry", "sagen {case} har ingen fejl at prøve igen"}},
      {"case.not_started", {"the case has not started", "sagen er ikke startet"}},
      {"case.ended", {"case {case} is {status}", "sagen {case} er {status}"}},
      {"case.unknown", {"no case '{case}'", "der er ingen sag '{case}'"}},
      {"variables.not_object", {"variables must be a JSON object", "variablerne skal være et JSON-objekt"}},
      {"task.unknown", {"case {case} has no task {task}", "sagen {case} har ingen opgave {task}"}},
      {"task.no_such", {"no task {task}", "der er ingen opgave {task}"}},
      {"task.already", {"{task} is already {status}", "{task} er allerede {status}"}},
      {"task.not_your_role", {"{person} holds none of the roles {letter} for {task} ({roles})",
                              "{person} har ingen af rollerne {letter} for {task} ({roles})"}},
      {"task.claimed_by_you", {"{task} is already claimed by you", "{task} er allerede taget af dig"}},
      {"task.claimed_by", {"{task} is claimed by {person}", "{task} er taget af {person}"}},
      {"task.not_claimed", {"{task} is not claimed", "{task} er ikke taget"}},
      {"task.claimed_by_other", {"{task} is claimed by {person}, not by {actor}", "{task} er taget af {person}, ikke af {actor}"}},
      {"task.four_eyes", {"{person} completed '{earlier}' in this case, so '{step}' needs someone else (raci:separateFrom)",
                          "{person} udførte '{earlier}' i denne sag, så '{step}' skal udføres af en anden (raci:separateFrom)"}},
      {"task.needs_answer", {"{task} needs an answer: {why} (raci:gapWhen {when})", "{task} skal have et svar: {why} (raci:gapWhen {when})"}},
      {"task.must_wait",
       {"{task} must wait: '{busy}' is under way in '{within}', whose steps are done one at a time (ordering=\"Sequential\")",
        "{task} må vente: '{busy}' er i gang i '{within}', hvis trin udføres ét ad gangen (ordering=\"Sequential\")"}},
      {"consult.no_role", {"{task} consults no role", "{task} konsulterer ingen rolle"}},
      {"consult.all_answered", {"{person} holds none of the roles still to be consulted on {task} (all have answered)",
                                "{person} har ingen af de roller, der mangler at blive konsulteret om {task} (alle har svaret)"}},
      {"consult.not_your_role", {"{person} holds none of the roles still to be consulted on {task} ({roles})",
                                 "{person} har ingen af de roller, der mangler at blive konsulteret om {task} ({roles})"}},
      {"task.is", {"{task} is {status}", "{task} er {status}"}},
      {"task.for_role", {"{task} is for {role}, which you do not hold", "{task} er for {role}, som du ikke har"}},
      {"task.consults_not_you", {"{task} does not consult any of your roles", "{task} konsulterer ingen af dine roller"}},
      {"consult.answered_already", {"{task}: your roles have already answered", "{task}: dine roller har allerede svaret"}},
      {"task.consultation_pending",
       {"{task} waits for the consultation of {roles} (raci:consult=\"before\"); the Accountable may waive it with a reason",
        "{task} venter på konsultationen af {roles} (raci:consult=\"before\"); den ansvarlige (A) kan frafalde den med en begrundelse"}},
      {"consult.late", {"{task} is done: the consultation closed when the step was completed", "{task} er udført: konsultationen lukkede, da trinnet blev udført"}},
      {"consult.waived", {"{task}: {person} waived this consultation", "{task}: {person} har frafaldet denne konsultation"}},
      {"task.not_accountable", {"{task}: only its Accountable role ({roles}) waives a consultation",
                                "{task}: kun den ansvarlige rolle (A) ({roles}) kan frafalde en konsultation"}},
      {"waive.nothing", {"{task} has no unanswered consultation to waive", "{task} har ingen ubesvaret konsultation at frafalde"}},
      {"waive.no_reason", {"{task}: waiving a consultation needs a reason", "{task}: at frafalde en konsultation kræver en begrundelse"}},
      {"consult.empty", {"the answer is empty", "svaret er tomt"}},
      // Refusals of the server (adapters/http), shown by the web app.
      {"login.failed", {"wrong person or password", "forkert person eller adgangskode"}},
      {"login.first", {"log in first", "log ind først"}},
      {"login.expired", {"the session has expired or the token is not valid; log in again",
                         "sessionen er udløbet, eller nøglen er ikke gyldig; log ind igen"}},
  };
  return texts;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::optional<Language> parse_language(std::string_view text) {
  std::string l = lower(text);
  if (l == "da" || l.rfind("da_", 0) == 0 || l.rfind("da-", 0) == 0 || l.rfind("da.", 0) == 0) return Language::da;
  if (l == "en" || l.rfind("en_", 0) == 0 || l.rfind("en-", 0) == 0 || l.rfind("en.", 0) == 0 || l == "c" || l.rfind("c.", 0) == 0 ||
      l == "posix")
    return Language::en;
  return std::nullopt;
}

const char* to_string(Language language) { return language == Language::da ? "da" : "en"; }

std::string text(const Phrase& phrase, Language language) {
  auto it = catalogue().find(phrase.id);
  if (it == catalogue().end()) return phrase.english;
  std::string_view tpl = language == Language::da ? it->second.da : it->second.en;
  std::string out;
  for (std::size_t i = 0; i < tpl.size(); ++i) {
    if (tpl[i] == '{') {
      auto close = tpl.find('}', i);
      if (close != std::string_view::npos) {
        std::string_view name = tpl.substr(i + 1, close - i - 1);
        auto value = std::find_if(phrase.values.begin(), phrase.values.end(), [&](const auto& v) { return v.first == name; });
        if (value != phrase.values.end()) {
          out += value->second.in(language);
          i = close;
          continue;
        }
      }
    }
    out += tpl[i];
  }
  return out;
}

bool catalogued(std::string_view id) { return catalogue().count(id) > 0; }

std::vector<std::string> catalogue_ids() {
  std::vector<std::string> ids;
  for (const auto& [id, texts] : catalogue()) ids.emplace_back(id);
  return ids;
}

}  // namespace raciflow::definitions
