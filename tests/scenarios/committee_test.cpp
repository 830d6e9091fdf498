// The committee's view of live state: the agenda, decisions taken in the management review,
// the ISO 27001 evidence register and the annual report.
#include <catch2/catch.hpp>

#include <map>

#include "scenario_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

using Sections = std::vector<std::pair<std::string, std::vector<std::string>>>;

// The agenda's sections in order, each with the ids of its cases.
Sections agenda_cases(const Workspace& w, const std::string& since) {
  Sections out;
  auto agenda = w.cli({"agenda", "--since", since, "--format", "json"}).json();
  for (const auto& s : agenda["sections"]) {
    std::vector<std::string> ids;
    for (const auto& c : s["cases"]) ids.push_back(c["id"]);
    out.push_back({s["id"], ids});
  }
  return out;
}

void close_deviation(const Workspace& w, const std::string& id) {
  complete(w, id, "assess-input", "security-function", "anna", {"severity=low", "withinMandate=true"});
  complete(w, id, "function-decides", "security-function", "anna");
  complete(w, id, "inform-functions", "security-function", "jonas", {R"(affectedUnits=["business-functions"])"});
  complete(w, id, "carry-out", "business-functions", "mette");
  complete(w, id, "report-back", "business-functions", "mette", {"instructionFollowed=true", "successful=true"});
  complete(w, id, "record-outcome", "security-function", "anna", {"recurring=false"});
}

}  // namespace

TEST_CASE("the agenda lists exactly the cases changed since the last meeting, each once, in the standing order") {
  Isms w;  // 2 March 2026
  std::string old_incident = first_line(w.ok({"message", "Security incident reported", "--as", "jonas"}));
  std::string old_policy = first_line(w.ok({"message", "Policy for approval", "--as", "anna"}));
  std::string handled = first_line(w.ok({"message", "External input", "--as", "anna"}));
  std::string ongoing = first_line(w.ok({"message", "External input", "--as", "anna"}));

  w.clock = "2026-03-12T10:00:00Z";  // the last meeting was on 10 March
  close_deviation(w, handled);
  complete(w, ongoing, "assess-input", "security-function", "anna", {"severity=high"});
  std::string incident = first_line(w.ok({"message", "Security incident reported", "--as", "jonas"}));
  std::string fresh = first_line(w.ok({"message", "External input", "--as", "anna"}));
  std::string threat = first_line(w.ok({"message", "External input", "--as", "anna", "--var", "agendaSection=threats"}));
  std::string policy = first_line(w.ok({"message", "Policy for approval", "--as", "anna"}));
  std::string review = first_line(w.ok({"message", "User access review due", "--as", "anna"}));

  Sections expected = {{"approve-agenda", {}},
                       {"approve-minutes", {}},
                       {"ongoing", {ongoing, review}},
                       {"incidents", {incident}},
                       {"deviations-handled", {handled}},
                       {"new-deviations", {fresh}},
                       {"threats", {threat}},
                       {"policies", {policy}},
                       {"aob", {}}};
  CHECK(agenda_cases(w, "2026-03-10") == expected);
  // Cases untouched since the meeting are not on it.
  auto markdown = w.ok({"agenda", "--since", "2026-03-10"});
  CHECK(markdown.find("case " + old_incident + " ") == std::string::npos);
  CHECK(markdown.find("case " + old_policy + " ") == std::string::npos);
  CHECK(markdown.find("## 5. Deviations handled since the last meeting\n\n- case " + handled + " — Deviation handling (completed)") !=
        std::string::npos);
  // The open plan items come under the status of ongoing work (none loaded here).
  auto html = w.ok({"agenda", "--since", "2026-03-10", "--format", "html"});
  CHECK(html.find("<li data-section=\"new-deviations\"><h2>New deviations</h2><ul><li data-case=\"" + fresh + "\">") != std::string::npos);

  // Touching the old incident puts it on the agenda.
  complete(w, old_incident, "register", "security-function", "anna", {"severity=low", "personalData=false"});
  CHECK(agenda_cases(w, "2026-03-10")[3].second == std::vector<std::string>{old_incident, incident});
}

TEST_CASE("decisions taken in the management review complete the committee step of the deviations they name") {
  Isms w;
  std::string a = first_line(w.ok({"message", "External input", "--as", "anna"}));
  std::string b = first_line(w.ok({"message", "External input", "--as", "anna"}));
  complete(w, a, "assess-input", "security-function", "anna", {"severity=high"});
  complete(w, b, "assess-input", "security-function", "anna", {"severity=high"});
  std::string meeting = first_line(w.ok({"message", "Committee meeting due", "--as", "anna"}));
  walk(w, meeting, {{"prepare", "security-function", "anna"},
                    {"agenda", "security-committee", "karen"},
                    {"minutes", "security-committee", "karen"},
                    {"status", "security-committee", "karen"},
                    {"incidents", "security-committee", "karen"},
                    {"deviations", "security-committee", "karen"}});
  std::string before = w.dump(false);
  // A decision on a case without an open committee step refuses the whole completion.
  auto task = task_id(w, meeting, "new-deviations");
  auto r = w.cli({"complete", task, "--as", "karen", "--var", "decisions=[{\"case\": \"" + meeting + "\"}]"});
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow complete: decision on case " + meeting + ": a case cannot decide on itself\n");
  r = w.cli({"complete", task, "--as", "karen", "--var", "decisions=\"approve all\""});
  CHECK(r.err == "raciflow complete: task " + task +
                     ": 'Decide on new deviations': decisions must be a list of decisions like [{\"case\": \"12\", \"variables\": {...}}] "
                     "(raci:decides)\n");
  CHECK(w.dump(false) == before);

  w.ok({"complete", task, "--as", "karen", "--var",
        "decisions=[{\"case\": \"" + a + "\", \"variables\": {\"decision\": \"patch within a week\"}}, {\"case\": \"" + b +
            "\", \"variables\": {\"decision\": \"accept the risk\"}}]"});
  for (const auto& [id, decision] : std::map<std::string, std::string>{{a, "patch within a week"}, {b, "accept the risk"}}) {
    auto done = completion(w, id, "committee-decides");
    REQUIRE(done.is_object());
    CHECK(done["actor"] == "karen");
    CHECK(done["role"] == "security-committee");
    auto shown = w.cli({"show", id, "--json"}).json();
    CHECK(shown["variables"]["decision"] == decision);
    CHECK(shown["variables"]["decidedIn"] == meeting);
    CHECK(open_task(w, id, "inform-functions").is_object());
  }
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("the evidence register marks a clause covered once a completed step carries it, and a gap otherwise") {
  Isms w;
  auto item = [&](const std::string& id) {
    auto evidence = w.cli({"evidence", "--format", "json"}).json();
    for (const auto& i : evidence["items"])
      if (i["id"] == id) return i;
    return json();
  };
  CHECK(item("internal-audit")["covered"] == false);
  CHECK(item("internal-audit")["clause"] == "9.2.2");
  CHECK(item("internal-audit")["clause_2013"] == "9.2 g");
  CHECK(item("nonconformities")["covered"] == false);

  // A deviation carried through to its outcome evidences nonconformities and corrective actions (10.2).
  std::string id = first_line(w.ok({"message", "External input", "--as", "anna"}));
  close_deviation(w, id);
  auto nc = item("nonconformities");
  CHECK(nc["covered"] == true);
  REQUIRE(nc["evidence"].size() == 3);  // the decision, the carrying out and the recorded outcome
  CHECK(nc["evidence"][0]["step"] == "Record the outcome");
  CHECK(nc["evidence"][0]["person"] == "anna");
  CHECK(nc["evidence"][0]["case"] == id);
  CHECK(nc["evidence"][0]["time"] == "2026-03-02T09:00:00Z");
  CHECK(item("monitoring")["covered"] == true);    // report back: 9.1
  CHECK(item("internal-audit")["covered"] == false);  // still a gap
  auto table = w.ok({"evidence"});
  CHECK(table.find("[9.2 g]") != std::string::npos);
  CHECK(table.find("GAP") != std::string::npos);

  // Evidence older than twelve months no longer covers the clause.
  w.clock = "2027-03-03T09:00:00Z";
  CHECK(item("nonconformities")["covered"] == false);
  CHECK(item("nonconformities")["evidence"].size() == 3);
}

TEST_CASE("the annual report counts cases by process, time to close, overdue tasks and escalations per role") {
  Isms w;
  std::string done = first_line(w.ok({"message", "External input", "--as", "anna"}));
  std::string late = first_line(w.ok({"message", "External input", "--as", "anna"}));
  w.clock = "2026-03-04T09:00:00Z";
  close_deviation(w, done);  // closed after two days
  w.clock = "2026-03-08T09:00:00Z";
  w.ok({"tick"});  // the other assessment escalates
  auto report = w.cli({"report", "--year", "2026", "--format", "json"}).json();
  json deviation;
  for (const auto& p : report["processes"])
    if (p["process"] == "deviation-handling") deviation = p;
  REQUIRE(deviation.is_object());
  CHECK(deviation["started"] == 2);
  CHECK(deviation["closed"] == 1);
  CHECK(deviation["open_at_end"] == 1);
  CHECK(deviation["median_days_to_close"] == 2.0);
  CHECK(deviation["escalations"] == 1);
  CHECK(deviation["tasks_overdue"] == 1);
  json function;
  for (const auto& r : report["roles"])
    if (r["role"] == "security-function") function = r;
  CHECK(function["escalations"] == 1);
  CHECK(function["tasks_completed"] == 4);
  auto html = w.ok({"report", "--year", "2026", "--format", "html"});
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("Median days to close") != std::string::npos);
  // For the director in Danish: the same figures, the page's language Danish.
  auto da = w.ok({"report", "--year", "2026", "--format", "html", "--lang", "da"});
  CHECK(da.find("<html lang=\"da\">") != std::string::npos);
  CHECK(da.find("Informationssikkerhed: årsrapport til ledelsen 2026") != std::string::npos);
  CHECK(da.find("Median dage til afslutning") != std::string::npos);
  CHECK(da.find("Median days") == std::string::npos);
  CHECK(w.cli({"report", "--year", "2026", "--format", "html", "--lang", "de"}).code == 2);
}
