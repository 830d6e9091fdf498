// Commands about people's own arrangements: substitutes while they are away, calendar feeds,
// digests.
#include <ostream>

#include <nlohmann/json.hpp>

#include "adapters/cli/cli.h"
#include "adapters/cli/command.h"
#include "adapters/cli/session.h"
#include "adapters/render/text_table.h"
#include "runtime/accounts.h"
#include "runtime/runtime.h"

namespace raciflow::cli {

using nlohmann::json;

namespace {

std::string option(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) throw UsageError{std::string("substitute set needs --") + name};
  return vm[name].as<std::string>();
}

int cmd_substitute(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  std::vector<std::string> args = vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  Session s(g, false);
  if (args.size() == 1 && args[0] == "list") {
    auto all = s.runtime->substitutions();
    if (vm.count("json")) {
      json list = json::array();
      for (const auto& x : all) list.push_back(runtime::to_json(x));
      out << list.dump(2) << "\n";
      return kExitOk;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& x : all)
      rows.push_back({std::to_string(x.id), x.person, x.substitute, x.from, x.until, x.ended_at.empty() ? "" : "ended " + x.ended_at.substr(0, 10)});
    out << render::format_text_table({"ID", "PERSON", "SUBSTITUTE", "FROM", "UNTIL", ""}, rows);
    return kExitOk;
  }
  if (args.size() == 2 && args[0] == "set") {
    auto saved = s.runtime->set_substitute(args[1], option(vm, "by"), option(vm, "from"), option(vm, "until"), operator_name(vm));
    out << saved.id << "\n";
    return kExitOk;
  }
  if (args.size() == 2 && args[0] == "end") {
    std::int64_t id = 0;
    try {
      id = std::stoll(args[1]);
    } catch (const std::exception&) {
      throw UsageError{"substitute end takes the period's number, not '" + args[1] + "'"};
    }
    auto ended = s.runtime->end_substitute(id, operator_name(vm));
    out << "substitute period " << ended.id << " ended\n";
    return kExitOk;
  }
  throw UsageError{"substitute takes 'set PERSON --by PERSON --from DATE --until DATE', 'list' or 'end ID'"};
}

// A person's calendar feed: a new secret address (printed once; the previous one stops
// working), or --revoke.
int cmd_calendar(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream& err) {
  std::vector<std::string> args = vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (args.size() != 2 || args[0] != "token") throw UsageError{"calendar takes 'token PERSON [--revoke]'"};
  auto store = open_store(g, false);
  runtime::Accounts accounts(*store, clock_now(g));
  if (vm.count("revoke")) {
    if (!accounts.revoke_calendar_feed(args[1], operator_name(vm))) throw std::runtime_error(args[1] + " has no calendar feed");
    out << "calendar feed of " << args[1] << " revoked\n";
    return kExitOk;
  }
  std::string secret = accounts.issue_calendar_feed(args[1], operator_name(vm));
  out << "/api/calendar/" << secret << ".ics\n";
  err << "the calendar feed of " << args[1] << ": the server's address followed by this path; it is shown only now, "
      << "and any earlier address of theirs no longer works\n";
  return kExitOk;
}

// A person's choice of e-mail: shown, or set to each, daily or weekly.
int cmd_digest(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  std::vector<std::string> args = vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (args.empty() || args.size() > 2) throw UsageError{"digest takes 'PERSON [each|daily|weekly]'"};
  Session s(g, false);
  if (args.size() == 2) s.runtime->choose_digest(args[0], args[1], operator_name(vm));
  out << args[0] << ": " << s.runtime->digest_choice(args[0]) << "\n";
  return kExitOk;
}

}  // namespace

void add_people_commands(std::map<std::string, Command>& t) {
  t["substitute"] = {"name a substitute for a person's work while they are away, list the periods, or end one early",
                     "raciflow substitute set PERSON --by PERSON --from DATE --until DATE [--as PERSON] | substitute list [--json] | "
                     "substitute end ID [--as PERSON]",
                     [](po::options_description& o) {
                       o.add_options()("by", po::value<std::string>(), "the substitute")("from", po::value<std::string>(), "YYYY-MM-DD")(
                           "until", po::value<std::string>(), "YYYY-MM-DD, included")("json", "list as JSON")(
                           "as", po::value<std::string>(), "who makes the change (default: the login name)")(
                           "args", po::value<std::vector<std::string>>(), "set PERSON | list | end ID");
                     },
                     cmd_substitute, "args", ""};
  t["calendar"] = {"give a person a calendar feed of their tasks, wheel occurrences and plan deadlines, or revoke it",
                   "raciflow calendar token PERSON [--revoke] [--as PERSON]",
                   [](po::options_description& o) {
                     o.add_options()("revoke", "stop the person's feed")("as", po::value<std::string>(),
                                                                          "who makes the change (default: the login name)")(
                         "args", po::value<std::vector<std::string>>(), "token PERSON");
                   },
                   cmd_calendar, "args", "token PERSON"};
  t["digest"] = {"show or choose how a person gets e-mail: each notification (each), or a daily or weekly digest",
                 "raciflow digest PERSON [each|daily|weekly] [--as PERSON]",
                 [](po::options_description& o) {
                   o.add_options()("as", po::value<std::string>(), "who makes the change (default: the login name)")(
                       "args", po::value<std::vector<std::string>>(), "PERSON [each|daily|weekly]");
                 },
                 cmd_digest, "args", "PERSON"};
}

}  // namespace raciflow::cli
