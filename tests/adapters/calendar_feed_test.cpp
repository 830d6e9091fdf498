// People's calendar feeds (GET /api/calendar/SECRET.ics): what a feed holds, parsed back
// with libical and line by line against RFC 5545, and what its secret opens.
#include <regex>

#include <libical/ical.h>

#include "api_support.h"

using nlohmann::json;
using namespace raciflow::testing::api;

namespace {

struct Event {
  std::string summary, description, start;
  bool all_day = false;
};

// The feed's events by UID, parsed by libical; fails the test if it does not parse.
std::map<std::string, Event> events_of(const std::string& ics) {
  std::map<std::string, Event> out;
  icalcomponent* calendar = icalparser_parse_string(ics.c_str());
  REQUIRE(calendar != nullptr);
  CHECK(icalcomponent_isa(calendar) == ICAL_VCALENDAR_COMPONENT);
  for (icalcomponent* e = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); e;
       e = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
    // RFC 5545 3.6.1: UID and DTSTAMP are required, once each.
    CHECK(icalcomponent_count_properties(e, ICAL_UID_PROPERTY) == 1);
    CHECK(icalcomponent_count_properties(e, ICAL_DTSTAMP_PROPERTY) == 1);
    icaltimetype start = icalcomponent_get_dtstart(e);
    const char* description = icalcomponent_get_description(e);
    out[icalcomponent_get_uid(e)] = {icalcomponent_get_summary(e), description ? description : "", icaltime_as_ical_string(start),
                                     start.is_date == 1};
  }
  icalcomponent_free(calendar);
  return out;
}

// RFC 5545 3.1: lines end in CRLF and are at most 75 octets; a longer one is folded, its
// continuation starting with a space. Returns the lines unfolded.
std::vector<std::string> content_lines(const std::string& ics) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < ics.size()) {
    auto end = ics.find("\r\n", at);
    REQUIRE(end != std::string::npos);
    std::string line = ics.substr(at, end - at);
    CHECK(line.size() <= 75);
    CHECK(line.find('\n') == std::string::npos);
    if (!line.empty() && line[0] == ' ') {
      REQUIRE(!out.empty());
      out.back() += line.substr(1);
    } else {
      out.push_back(line);
    }
    at = end + 2;
  }
  return out;
}

const std::string kWheel = R"(<wheel xmlns="urn:raciflow:wheel:1" name="Feed year">
  <activity id="awareness" name="Awareness activity; with a comma, and a long name that takes more than one line of the feed" role="security-function" schedule="FREQ=MONTHLY;BYMONTH=3,9" due="P30D"/>
  <activity id="hr-check" name="HR screening review" role="hr" schedule="FREQ=YEARLY;BYMONTH=6" due="P30D"/>
  <plan>
    <item id="phishing" name="Phishing exercise" responsible="anna" deadline="2026-06-30"/>
    <item id="onboarding" name="Onboarding material" responsible="mette" deadline="2026-05-31"/>
  </plan>
</wheel>)";

std::string feed_path(Server& s, const std::string& cookie) {
  auto r = s.as(cookie, "POST", "/api/me/calendar-feed");
  REQUIRE(r.status == 201);
  std::string path = r.json_body()["path"];
  CHECK(r.json_body()["url"] == "http://127.0.0.1" + path);
  return path;
}

std::vector<json> trail(Server& s, const std::string& action) {
  std::vector<json> out;
  for (const auto& r : s.w.cli({"audit", "all", "--format", "json"}).json())
    if (r["action"] == action) out.push_back(r);
  return out;
}

}  // namespace

TEST_CASE("a calendar feed holds the person's open tasks, their roles' wheel occurrences and their plan deadlines", "[api][calendar]") {
  Server s;
  auto anna = s.login("anna"), mette = s.login("mette");
  REQUIRE(s.as(anna, "PUT", "/api/wheel", {{"name", "year.xml"}, {"xml", kWheel}}).status == 200);
  auto started = start_deviation(s, anna);
  const auto assess = started.second;
  std::string path = feed_path(s, anna);

  auto r = s.request("GET", path);  // no login: the address is the key
  REQUIRE(r.status == 200);
  CHECK(r.headers["Content-Type"] == "text/calendar; charset=utf-8");
  auto lines = content_lines(r.body);
  CHECK(lines.front() == "BEGIN:VCALENDAR");
  CHECK(lines.back() == "END:VCALENDAR");
  CHECK(std::any_of(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("X-WR-CALNAME:raciflow: Anna Holm (", 0) == 0; }));

  auto events = events_of(r.body);
  std::string task_uid = "raciflow-task-" + std::to_string(assess) + "@raciflow";
  REQUIRE(events.count(task_uid) == 1);
  CHECK(events[task_uid].summary.find("Assess") != std::string::npos);
  CHECK(events[task_uid].start == "20260307T090000Z");  // raci:due="P5D" after the start
  CHECK_FALSE(events[task_uid].all_day);
  // The wheel: her role's occurrences from now to a year ahead (March 1st was before the
  // wheel was loaded); not another role's.
  REQUIRE(events.count("raciflow-wheel-awareness-2026-09-01@raciflow") == 1);
  CHECK(events.count("raciflow-wheel-awareness-2027-03-01@raciflow") == 1);
  CHECK(events.count("raciflow-wheel-awareness-2026-03-01@raciflow") == 0);
  CHECK(events.count("raciflow-wheel-hr-check-2026-06-01@raciflow") == 0);
  const auto& awareness = events["raciflow-wheel-awareness-2026-09-01@raciflow"];
  CHECK(awareness.all_day);
  CHECK(awareness.start == "20260901");
  // Escaped in the feed, whole again once parsed.
  CHECK(awareness.summary == "Annual wheel: Awareness activity; with a comma, and a long name that takes more than one line of the feed");
  CHECK(r.body.find("activity\\; with a comma\\,") != std::string::npos);
  // Her plan deadline, not Mette's.
  REQUIRE(events.count("raciflow-plan-phishing@raciflow") == 1);
  CHECK(events["raciflow-plan-phishing@raciflow"].start == "20260630");
  CHECK(events.count("raciflow-plan-onboarding@raciflow") == 0);

  // In Danish on request.
  auto danish = events_of(s.request("GET", path + "?lang=da").body);
  CHECK(danish[task_uid].summary.rfind("Frist: ", 0) == 0);
  CHECK(danish["raciflow-wheel-awareness-2026-09-01@raciflow"].summary.rfind("Årshjul: ", 0) == 0);

  // Mette's feed shows her role's wheel work, her plan item and the assessment she is
  // consulted on, and none of Anna's own.
  auto hers = events_of(s.request("GET", feed_path(s, mette)).body);
  CHECK(hers.count("raciflow-wheel-hr-check-2026-06-01@raciflow") == 1);
  CHECK(hers.count("raciflow-plan-onboarding@raciflow") == 1);
  REQUIRE(hers.count(task_uid) == 1);
  CHECK(hers[task_uid].summary.rfind("Consultation: Assess", 0) == 0);
  CHECK(hers.count("raciflow-plan-phishing@raciflow") == 0);
  CHECK(hers.count("raciflow-wheel-awareness-2026-09-01@raciflow") == 0);

  // The same things keep their UIDs as they change; a task done leaves the feed.
  REQUIRE(s.as(anna, "PUT", "/api/plan/phishing", {{"deadline", "2026-07-15"}}).status == 200);
  REQUIRE(s.as(anna, "POST", "/api/tasks/" + std::to_string(assess) + "/complete",
               {{"variables", {{"severity", "low"}, {"withinMandate", true}}}})
              .status == 200);
  auto later = events_of(s.request("GET", path).body);
  CHECK(later["raciflow-plan-phishing@raciflow"].start == "20260715");
  CHECK(later.count(task_uid) == 0);
}

TEST_CASE("a calendar feed's address opens that feed and nothing else; revoked or replaced it is 404", "[api][calendar]") {
  Server s;
  auto anna = s.login("anna"), mette = s.login("mette");
  start_deviation(s, anna);
  std::string path = feed_path(s, anna);
  std::string secret = path.substr(std::string("/api/calendar/").size(), 64);
  CHECK(s.request("GET", path).status == 200);

  // Not a login: as a bearer token or a session cookie it is nobody.
  CHECK(s.request("GET", "/api/me", "", {{"Authorization", "Bearer " + secret}}).status == 401);
  CHECK(s.request("GET", "/api/tasks", "", {{"Cookie", "raciflow_session=" + secret}}).status == 401);
  // Near misses are 404, like an address that never was.
  CHECK(s.request("GET", "/api/calendar/" + secret).status == 404);
  CHECK(s.request("GET", "/api/calendar/" + std::string(64, '0') + ".ics").status == 404);
  CHECK(s.request("GET", "/api/calendar/" + secret.substr(0, 63) + ".ics").status == 404);
  // What the person sees of it: that it exists, never the secret again.
  auto status = s.as(anna, "GET", "/api/me/calendar-feed");
  CHECK(status.json_body()["active"] == true);
  CHECK(status.body.find(secret) == std::string::npos);
  CHECK(s.as(mette, "GET", "/api/me/calendar-feed").json_body()["active"] == false);

  // A new address replaces the old one.
  std::string again = feed_path(s, anna);
  CHECK(again != path);
  CHECK(s.request("GET", path).status == 404);
  CHECK(s.request("GET", again).status == 200);
  // Revoked, it is gone; revoking twice finds nothing.
  CHECK(s.as(anna, "DELETE", "/api/me/calendar-feed").status == 204);
  CHECK(s.request("GET", again).status == 404);
  CHECK(s.as(anna, "DELETE", "/api/me/calendar-feed").status == 404);

  // The trail: each issue and revocation; the misses among the anonymous refusals, without
  // the address; no secret anywhere.
  CHECK(trail(s, "calendar_feed_issued").size() == 2);
  CHECK(trail(s, "calendar_feed_revoked").size() == 1);
  std::string all = s.w.cli({"audit", "all", "--format", "json"}).out;
  CHECK(all.find(secret) == std::string::npos);
  CHECK(all.find(again.substr(14, 64)) == std::string::npos);
  CHECK(s.refusals_accounted() >= 5);
}

TEST_CASE("reading a calendar feed is recorded at most once a day, with the reads since", "[api][calendar]") {
  Server s;
  auto anna = s.login("anna");
  std::string path = feed_path(s, anna);
  for (int i = 0; i < 5; ++i) REQUIRE(s.request("GET", path).status == 200);
  auto reads = trail(s, "calendar_feed_read");
  REQUIRE(reads.size() == 1);
  CHECK(reads[0]["actor"] == "anna");
  CHECK(reads[0]["data"]["reads"] == 1);
  s.now = s.now.load() + std::chrono::hours(25);
  REQUIRE(s.request("GET", path).status == 200);
  reads = trail(s, "calendar_feed_read");
  REQUIRE(reads.size() == 2);
  CHECK(reads[1]["data"]["reads"] == 5);  // the four held back and this one
}

TEST_CASE("raciflow calendar token prints a feed's address once and --revoke ends it", "[cli][calendar]") {
  raciflow::testing::Workspace w;
  REQUIRE(w.cli({"org", "load", raciflow::testing::sample("org.xml")}).code == 0);
  auto made = w.cli({"calendar", "token", "mette"});
  REQUIRE(made.code == 0);
  CHECK(std::regex_match(made.out, std::regex("/api/calendar/[0-9a-f]{64}\\.ics\n")));
  CHECK(made.err.find("shown only now") != std::string::npos);
  CHECK(w.cli({"calendar", "token", "mette", "--revoke"}).out == "calendar feed of mette revoked\n");
  auto again = w.cli({"calendar", "token", "mette", "--revoke"});
  CHECK(again.code == 1);
  CHECK(again.err.find("mette has no calendar feed") != std::string::npos);
  auto nobody = w.cli({"calendar", "token", "nobody"});
  CHECK(nobody.code != 0);
  CHECK(nobody.err.find("unknown person 'nobody'") != std::string::npos);
  CHECK(w.cli({"calendar", "mette"}).code == 2);
}
