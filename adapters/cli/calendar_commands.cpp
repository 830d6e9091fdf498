// The commands of the ISMS year: wheel, plan, agenda, evidence, report and deliver.
#include <chrono>
#include <filesystem>
#include <ostream>

#include <nlohmann/json.hpp>

#include "adapters/cli/cli.h"
#include "adapters/cli/command.h"
#include "adapters/cli/progress.h"
#include "adapters/cli/session.h"
#include "adapters/delivery/delivery.h"
#include "adapters/render/calendar_render.h"
#include "runtime/reports.h"
#include "runtime/soa.h"
#include "runtime/runtime.h"
#include "runtime/sqlite_store.h"

namespace raciflow::cli {

using nlohmann::json;
using runtime::Refused;
using runtime::Runtime;

std::string format_of(const po::variables_map& vm, std::initializer_list<const char*> allowed) {
  std::string format = vm["format"].as<std::string>();
  std::string list;
  for (const char* a : allowed) {
    if (format == a) return format;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  throw UsageError{"unknown --format '" + format + "' (" + list + ")"};
}

namespace {

int year_of(const po::variables_map& vm, const Globals& g) {
  if (!vm.count("year")) return static_cast<int>(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(clock_now(g))}.year());
  int year = vm["year"].as<int>();
  if (year < 1970 || year > 9999) throw UsageError{"--year " + std::to_string(year) + " is not a year from 1970 to 9999"};
  return year;
}

int cmd_wheel(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  std::vector<std::string> args = vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (!args.empty()) {
    if (args.front() != "load") throw UsageError{"unknown wheel command '" + args.front() + "' (load FILE, or none to show the year)"};
    if (args.size() != 2) throw UsageError{"wheel load takes one FILE"};
    Session s(g, false);
    Progress progress("wheel load: activities and plan items written", vm.count("quiet") > 0);
    auto loaded = s.runtime->load_wheel(args[1], operator_name(vm), [&](std::int64_t done, std::int64_t total) { progress(done, total); });
    progress.clear();
    out << "loaded the wheel: " << loaded.activities << " activities, " << loaded.plan_items << " plan items changed\n";
    for (const auto& d : loaded.deployed)
      if (d.is_new) out << d.process << "@" << d.version << "\n";
    return kExitOk;
  }
  std::string format = format_of(vm, {"table", "json", "svg"});
  int year = year_of(vm, g);
  Session s(g, false);
  auto tx = s.store->begin_read();
  if (!s.store->wheel()) throw Refused("no wheel is loaded; run 'raciflow wheel load FILE' first");
  auto entries = s.runtime->wheel_year(year);
  auto plan = s.store->plan_items();
  if (format == "json") out << render::wheel_json(year, entries, plan).dump(2) << "\n";
  if (format == "table") out << render::wheel_table(entries, plan);
  if (format == "svg") {
    std::map<std::string, std::string> names;
    if (auto org = s.store->organisation())
      for (const auto& r : org->roles) names[r.id] = r.name.empty() ? r.id : r.name;
    out << render::wheel_svg(year, entries, plan, definitions::format_date_time(clock_now(g)), names) << "\n";
  }
  return kExitOk;
}

int cmd_plan(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  std::vector<std::string> args = vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  Session s(g, false);
  if (args.empty()) {
    std::string format = format_of(vm, {"table", "json"});
    auto plan = s.store->plan_items();
    if (format == "json") {
      json items = json::array();
      for (const auto& p : plan) items.push_back(runtime::to_json(p));
      out << items.dump(2) << "\n";
    } else {
      out << render::plan_table(plan);
    }
    return kExitOk;
  }
  if (args.front() != "set" || args.size() != 2) throw UsageError{"plan takes no arguments (list) or 'set ID' with options"};
  definitions::PlanItem item;
  if (auto existing = s.store->plan_item(args[1])) item = *existing;
  item.id = args[1];
  for (auto [option, field] : {std::pair{"name", &item.name}, std::pair{"responsible", &item.responsible},
                               std::pair{"start", &item.start}, std::pair{"deadline", &item.deadline}, std::pair{"risk", &item.risk},
                               std::pair{"case", &item.case_id}, std::pair{"status", &item.status}, std::pair{"note", &item.note}})
    if (vm.count(option)) *field = vm[option].as<std::string>();
  auto saved = s.runtime->put_plan_item(item, operator_name(vm));
  out << saved.id << "\n";
  return kExitOk;
}

int cmd_agenda(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  std::string format = format_of(vm, {"markdown", "html", "json"});
  const std::string lang = definitions::to_string(language_of(vm));
  std::string since;
  if (vm.count("since")) {
    std::string why;
    auto t = definitions::parse_date_time(vm["since"].as<std::string>(), &why);
    if (!t) throw UsageError{"--since '" + vm["since"].as<std::string>() + "' is not an ISO 8601 date (" + why + ")"};
    since = definitions::format_date_time(*t);
  }
  Session s(g, false);
  auto tx = s.store->begin_read();
  if (since.empty()) since = runtime::last_meeting(*s.store, *s.runtime);
  if (since.empty()) since = "1970-01-01T00:00:00Z";
  auto agenda = runtime::build_agenda(*s.store, *s.runtime, since);
  agenda.generated_at = definitions::format_date_time(clock_now(g));
  agenda.registers = runtime::register_states(*s.store, *s.runtime, clock_now(g));
  if (format == "json") out << render::agenda_json(agenda).dump(2) << "\n";
  if (format == "markdown") out << render::agenda_markdown(agenda, lang);
  if (format == "html") out << render::agenda_html(agenda, lang);
  return kExitOk;
}

int cmd_evidence(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  std::string format = format_of(vm, {"table", "markdown", "json"});
  Session s(g, false);
  auto tx = s.store->begin_read();
  auto evidence = runtime::build_evidence(*s.store, *s.runtime, clock_now(g));
  if (format == "json") out << render::evidence_json(evidence).dump(2) << "\n";
  if (format == "table") out << render::evidence_table(evidence);
  if (format == "markdown") out << render::evidence_markdown(evidence);
  return kExitOk;
}

int cmd_report(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  std::string format = format_of(vm, {"markdown", "html", "json"});
  const std::string lang = definitions::to_string(language_of(vm));
  int year = year_of(vm, g);
  Session s(g, false);
  auto tx = s.store->begin_read();
  auto report = runtime::build_report(*s.store, *s.runtime, year, clock_now(g));
  runtime::add_soa_changes(report, *s.store, *s.runtime, clock_now(g));
  if (format == "json") out << render::report_json(report).dump(2) << "\n";
  if (format == "markdown") out << render::report_markdown(report, lang);
  if (format == "html") out << render::report_html(report, lang);
  return kExitOk;
}

int cmd_deliver(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  delivery::Settings settings = delivery_settings(vm);
  auto store = open_store(g, false);
  if (!delivery::has_channel(*store, settings))
    throw UsageError{"deliver needs --log FILE or --smtp URL (or both), or webhooks in the organisation"};
  auto result = delivery::deliver_once(*store, clock_now(g), settings);
  out << "delivered " << result.delivered << ", to retry " << result.failed << ", given up " << result.given_up << "\n";
  return kExitOk;
}

void format_option(po::options_description& o, const char* fallback, const char* help) {
  o.add_options()("format", po::value<std::string>()->default_value(fallback), help);
}

}  // namespace

void delivery_options(po::options_description& o) {
  o.add_options()("log", po::value<std::string>(), "append each delivered notification to this file, one JSON line each")(
      "smtp", po::value<std::string>(), "send e-mail through this server: smtp://HOST:PORT (smtps:// for TLS)")(
      "from", po::value<std::string>()->default_value("raciflow@localhost"), "the sender address of the e-mails")(
      "base-url", po::value<std::string>(), "the web app's address, for links in the messages");
}

delivery::Settings delivery_settings(const po::variables_map& vm) {
  delivery::Settings s;
  if (vm.count("log")) s.log_file = vm["log"].as<std::string>();
  if (vm.count("smtp")) s.smtp_url = vm["smtp"].as<std::string>();
  if (vm.count("from")) s.from = vm["from"].as<std::string>();
  if (vm.count("base-url")) s.base_url = vm["base-url"].as<std::string>();
  if (!s.smtp_url.empty() && s.smtp_url.rfind("smtp://", 0) != 0 && s.smtp_url.rfind("smtps://", 0) != 0)
    throw UsageError{"--smtp '" + s.smtp_url + "' must start with smtp:// or smtps://"};
  return s;
}

void add_calendar_commands(std::map<std::string, Command>& t) {
  t["wheel"] = {"load the annual wheel and plan, or show a year of it",
                "raciflow wheel load FILE [--as PERSON] [--quiet] | raciflow wheel [--year Y] [--format table|json|svg]",
                [](po::options_description& o) {
                  format_option(o, "table", "table, json or svg");
                  o.add_options()("year", po::value<int>(), "the year (default: this year)")(
                      "as", po::value<std::string>(), "who loads (default: the login name)")(
                      "quiet", "load: no progress line on the terminal")(
                      "args", po::value<std::vector<std::string>>(), "load FILE");
                },
                cmd_wheel, "args", ""};
  t["plan"] = {"list the annual plan, or add or change an item",
               "raciflow plan [--format table|json] | raciflow plan set ID [--name N] [--responsible PERSON] [--start DATE] "
               "[--deadline DATE] [--risk REF] [--case ID] [--status open|done|cancelled] [--note TEXT] [--as PERSON]",
               [](po::options_description& o) {
                 format_option(o, "table", "table or json");
                 o.add_options()("name", po::value<std::string>(), "what is to be done")(
                     "responsible", po::value<std::string>(), "the person responsible")(
                     "start", po::value<std::string>(), "YYYY-MM-DD")("deadline", po::value<std::string>(), "YYYY-MM-DD")(
                     "risk", po::value<std::string>(), "the risk-treatment item it belongs to")(
                     "case", po::value<std::string>(), "a case it belongs to")(
                     "status", po::value<std::string>(), "open, done or cancelled")("note", po::value<std::string>(), "a note")(
                     "as", po::value<std::string>(), "who changes it (default: the login name)")(
                     "args", po::value<std::vector<std::string>>(), "set ID");
               },
               cmd_plan, "args", ""};
  t["agenda"] = {"the committee's standing agenda filled from the cases changed since the last meeting",
                 "raciflow agenda [--since DATE] [--format markdown|html|json] [--lang en|da]",
                 [](po::options_description& o) {
                   format_option(o, "markdown", "markdown, html or json");
                   o.add_options()("since", po::value<std::string>(), "the last meeting (default: the end of the last management review)")(
                       "lang", po::value<std::string>(), "the markdown's and html's language: en or da (default: the locale, else en)");
                 },
                 cmd_agenda, ""};
  t["evidence"] = {"the ISO 27001 evidence register: completed steps per mandatory documentation item, and the gaps",
                   "raciflow evidence [--format table|markdown|json]",
                   [](po::options_description& o) { format_option(o, "table", "table, markdown or json"); }, cmd_evidence, ""};
  t["report"] = {"the annual report to management: cases by process, time to close, overdue, escalations, per role",
                 "raciflow report [--year Y] [--format markdown|html|json] [--lang en|da]",
                 [](po::options_description& o) {
                   format_option(o, "markdown", "markdown, html (with SVG charts) or json");
                   o.add_options()("year", po::value<int>(), "the year (default: this year)")(
                       "lang", po::value<std::string>(), "the markdown's and html's language: en or da (default: the locale, else en)");
                 },
                 cmd_report, ""};
  t["deliver"] = {"deliver the pending notifications once: to a log file and/or by e-mail over SMTP",
                  "raciflow deliver [--log FILE] [--smtp smtp://HOST:PORT] [--from ADDRESS] [--base-url URL]",
                  delivery_options, cmd_deliver, ""};
}

}  // namespace raciflow::cli
