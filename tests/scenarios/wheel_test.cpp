// The annual wheel of samples/annual-wheel.xml run by a fixed clock stepped through a year.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <set>

#include "definitions/wheel.h"
#include "scenario_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

// The samples deployed, the organisation and the wheel loaded on 1 January 2026.
class Year : public Workspace {
 public:
  Year() {
    clock = "2026-01-01T00:00:00Z";
    deploy_samples(*this);
    ok({"wheel", "load", sample("annual-wheel.xml"), "--as", "anna"});
  }

  // activity@occurrence -> the case's started_at, for the cases the wheel started.
  std::map<std::string, std::string> wheel_cases() const {
    std::map<std::string, std::string> out;
    for (const auto& c : cli({"cases", "--json"}).json()) {
      std::string key = c["key"];
      if (key.rfind("wheel:", 0) != 0) continue;
      INFO(key);
      CHECK(out.count(key.substr(6)) == 0);
      out[key.substr(6)] = c["started_at"];
    }
    return out;
  }

  std::vector<json> fired_records() const {
    std::vector<json> out;
    for (const auto& r : cli({"audit", "all", "--format", "json"}).json())
      if (r["action"] == "wheel_fired") out.push_back(r);
    return out;
  }
};

std::string day_after(const std::string& date) {
  std::chrono::sys_days d = *raciflow::definitions::parse_date(date);
  return raciflow::definitions::format_date(d + std::chrono::days{1});
}

}  // namespace

TEST_CASE("the sample wheel starts each activity on its day, exactly once, with the clock stepped daily through a year") {
  Year w;
  for (std::string day = "2026-01-01"; day <= "2026-12-31"; day = day_after(day)) {
    w.clock = day + "T06:00:00Z";
    w.ok({"tick"});
  }
  // The activity, its occurrence date on the wheel, and the day it starts (lead time before).
  const std::map<std::string, std::string> expected = {
      {"measurement-follow-up@2026-01-10", "2026-01-10"}, {"awareness@2026-02-01", "2026-02-01"},
      {"risk-treatment-follow-up@2026-02-15", "2026-02-15"}, {"risk-assessment@2026-03-01", "2026-02-15"},
      {"user-access-review@2026-04-01", "2026-03-25"},  {"measurement-follow-up@2026-04-10", "2026-04-10"},
      {"risk-treatment-update@2026-05-01", "2026-05-01"}, {"awareness@2026-05-01", "2026-05-01"},
      {"management-review@2026-06-01", "2026-05-11"},   {"measurement-follow-up@2026-07-10", "2026-07-10"},
      {"awareness@2026-08-01", "2026-08-01"},          {"risk-treatment-follow-up@2026-08-15", "2026-08-15"},
      {"internal-audit@2026-09-01", "2026-08-18"},      {"user-access-review@2026-10-01", "2026-09-24"},
      {"contingency-test@2026-10-20", "2026-10-06"},    {"measurement-follow-up@2026-10-10", "2026-10-10"},
      {"management-review@2026-11-01", "2026-10-11"},   {"awareness@2026-11-01", "2026-11-01"},
      {"annual-report@2026-12-01", "2026-12-01"},
  };
  auto started = w.wheel_cases();
  CHECK(started.size() == expected.size());
  for (const auto& [occurrence, day] : expected) {
    INFO(occurrence);
    REQUIRE(started.count(occurrence));
    CHECK(started[occurrence] == day + "T06:00:00Z");
  }
  auto fired = w.fired_records();
  CHECK(fired.size() == expected.size());
  for (const auto& r : fired) CHECK(r["data"]["late"] == false);

  // Processes start by their message; standalone activities become a task for their role.
  auto risk = w.cli({"cases", "--process", "risk-assessment", "--json"}).json();
  REQUIRE(risk.size() == 1);
  auto shown = w.cli({"show", risk[0]["id"].get<std::string>(), "--json"}).json();
  CHECK(shown["variables"]["wheelDue"] == "2026-04-30T00:00:00Z");
  CHECK(shown["variables"]["wheelOccurrence"] == "2026-03-01");
  auto awareness = w.cli({"tasks", "--role", "security-function", "--json"}).json();
  bool awareness_task = false;
  for (const auto& t : awareness)
    if (t["process"] == "wheel-awareness" && t["due"] == "2026-12-01T00:00:00Z") awareness_task = true;
  CHECK(awareness_task);

  // Ticking again at the same moment fires nothing more.
  w.ok({"tick"});
  CHECK(w.fired_records().size() == expected.size());
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("occurrences missed while the server was down fire once when the clock jumps, and the trail says they were late") {
  Year w;
  w.clock = "2026-01-05T06:00:00Z";
  CHECK(w.ok({"tick"}).empty());
  w.clock = "2026-04-12T06:00:00Z";  // down from 5 January to 12 April
  w.ok({"tick"});
  std::set<std::string> started;
  for (const auto& [key, at] : w.wheel_cases()) {
    started.insert(key);
    CHECK(at == "2026-04-12T06:00:00Z");
  }
  CHECK(started == std::set<std::string>{"measurement-follow-up@2026-01-10", "awareness@2026-02-01",
                                         "risk-treatment-follow-up@2026-02-15", "risk-assessment@2026-03-01",
                                         "user-access-review@2026-04-01", "measurement-follow-up@2026-04-10"});
  for (const auto& r : w.fired_records()) {
    auto data = r["data"];
    INFO(data.dump());
    CHECK(data["late"] == true);
    CHECK(r["actor"] == "system");
  }
  w.clock = "2026-04-12T07:00:00Z";
  w.ok({"tick"});
  CHECK(w.wheel_cases().size() == 6);

  // The year view marks them: fired ones open or overdue and late; later ones planned.
  auto year = w.cli({"wheel", "--year", "2026", "--format", "json"}).json();
  std::map<std::string, json> by_key;
  for (const auto& o : year["occurrences"]) by_key[o["activity"].get<std::string>() + "@" + o["occurrence"].get<std::string>()] = o;
  CHECK(by_key["measurement-follow-up@2026-01-10"]["status"] == "overdue");
  CHECK(by_key["measurement-follow-up@2026-01-10"]["late"] == true);
  CHECK(by_key["risk-assessment@2026-03-01"]["status"] == "open");
  CHECK(by_key["annual-report@2026-12-01"]["status"] == "planned");
  CHECK(year["plan"].size() == 3);
}

TEST_CASE("a wheel naming an undeployed process or an unknown role is refused with its line, and nothing changes") {
  Year w;
  std::string before = w.dump(false);
  auto bad_role = w.write("bad-role.xml", R"(<wheel xmlns="urn:raciflow:wheel:1" name="x">
  <activity id="a" schedule="FREQ=YEARLY;BYMONTH=3" role="no-such-role"/>
</wheel>)");
  auto r = w.cli({"wheel", "load", bad_role, "--as", "anna"});
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow wheel: " + bad_role + ":2: error: activity 'a' names role 'no-such-role', which the organisation "
                                                  "'Example Agency' does not have\n");
  auto bad_rule = w.write("bad-rule.xml", R"(<wheel xmlns="urn:raciflow:wheel:1" name="x">
  <activity id="a" schedule="FREQ=WEEKLY" role="security-function"/>
</wheel>)");
  r = w.cli({"wheel", "load", bad_rule, "--as", "anna"});
  CHECK(r.err == "raciflow wheel: " + bad_rule + ":2: error: schedule of activity 'a': FREQ=WEEKLY is not supported (YEARLY or MONTHLY)\n");
  auto bad_process = w.write("bad-process.xml", R"(<wheel xmlns="urn:raciflow:wheel:1" name="x">
  <activity id="a" schedule="2026-05-01" role="security-function" process="nope"/>
</wheel>)");
  r = w.cli({"wheel", "load", bad_process, "--as", "anna"});
  CHECK(r.err == "raciflow wheel: " + bad_process + ":2: error: activity 'a' starts process 'nope', which is not deployed\n");
  CHECK(w.dump(false) == before);
}

TEST_CASE("reloading the wheel keeps what fired and the plan items edited since, unless the file changed them") {
  Year w;
  w.clock = "2026-01-10T06:00:00Z";
  w.ok({"tick"});
  w.ok({"plan", "set", "phishing-exercise", "--status", "done", "--as", "anna"});
  w.ok({"wheel", "load", sample("annual-wheel.xml"), "--as", "anna"});
  w.ok({"tick"});
  CHECK(w.wheel_cases().size() == 1);
  auto plan = w.cli({"plan", "--format", "json"}).json();
  for (const auto& item : plan)
    if (item["id"] == "phishing-exercise") {
      CHECK(item["status"] == "done");
      CHECK(item["updated_by"] == "anna");
    }
  auto r = w.cli({"plan", "set", "phishing-exercise", "--responsible", "nobody", "--as", "anna"});
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow plan: plan item 'phishing-exercise': person 'nobody' is not in the organisation\n");
  r = w.cli({"plan", "set", "new-item", "--name", "Pen test", "--responsible", "jonas", "--deadline", "2026-13-01", "--as", "anna"});
  CHECK(r.err == "raciflow plan: plan item 'new-item': deadline '2026-13-01' is not a date (YYYY-MM-DD)\n");
}

TEST_CASE("the year's commands refuse bad options and files with one line, and change nothing") {
  Year w;
  std::string before = w.dump(false);
  auto usage = [&](std::vector<std::string> args, const std::string& message) {
    auto r = w.cli(args);
    INFO(args[0]);
    CHECK(r.code == 2);
    CHECK(r.err.substr(0, r.err.find('\n')) == "raciflow " + args[0] + ": " + message);
  };
  usage({"wheel", "--format", "pdf"}, "unknown --format 'pdf' (table, json, svg)");
  usage({"wheel", "--year", "12"}, "--year 12 is not a year from 1970 to 9999");
  usage({"wheel", "spin"}, "unknown wheel command 'spin' (load FILE, or none to show the year)");
  usage({"agenda", "--since", "last week"}, "--since 'last week' is not an ISO 8601 date (not a date (expected e.g. 2026-03-01T09:00:00Z))");
  usage({"evidence", "--format", "xml"}, "unknown --format 'xml' (table, markdown, json)");
  usage({"report", "--format", "pdf"}, "unknown --format 'pdf' (markdown, html, json)");
  usage({"plan", "delete", "x"}, "plan takes no arguments (list) or 'set ID' with options");
  auto r = w.cli({"wheel", "load", w.path("missing.xml"), "--as", "anna"});
  CHECK(r.code == 1);
  CHECK(r.err.rfind("raciflow wheel: " + w.path("missing.xml") + ": ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  auto bomb = w.write("bomb.xml", R"(<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><wheel xmlns="urn:raciflow:wheel:1" name="&a;"/>)");
  r = w.cli({"wheel", "load", bomb, "--as", "anna"});
  CHECK(r.code == 1);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(w.dump(false) == before);
}
