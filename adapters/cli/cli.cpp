#include "adapters/cli/cli.h"

#include <cstdlib>
#include <ostream>

#include "adapters/cli/command.h"
#include "definitions/messages.h"
#include "definitions/utf8.h"

namespace raciflow::cli {

definitions::Language language_of(const po::variables_map& vm) {
  if (vm.count("lang")) {
    const auto& text = vm["lang"].as<std::string>();
    if (text != "da" && text != "en") throw UsageError{"--lang is da or en, not '" + text + "'"};
    return *definitions::parse_language(text);
  }
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"})
    if (const char* value = std::getenv(name); value && *value) return definitions::parse_language(value).value_or(definitions::Language::en);
  return definitions::Language::en;
}

namespace {

const std::map<std::string, Command>& commands() {
  static const std::map<std::string, Command> table = [] {
    std::map<std::string, Command> t;
    add_definition_commands(t);
    add_runtime_commands(t);
    add_server_commands(t);
    add_calendar_commands(t);
    add_evidence_commands(t);
    add_register_commands(t);
    add_people_commands(t);
    return t;
  }();
  return table;
}

void print_overview(std::ostream& out) {
  out << "raciflow - ISMS process flows with RACI, as BPMN 2.0\n\n"
         "Usage: raciflow [--db PATH|URI] [--tenant ID] [--clock ISO8601] COMMAND [OPTIONS]\n\nCommands:\n";
  for (const auto& [name, command] : commands()) out << "  " << name << std::string(name.size() < 12 ? 13 - name.size() : 2, ' ') << command.summary << "\n";
  out << "\nGlobal options (anywhere on the line):\n"
         "  --db PATH|URI       the database: a SQLite file, or postgresql://... (default $RACIFLOW_DB, else ./raciflow.db)\n"
         "  --tenant ID         the organisation in a PostgreSQL database (default $RACIFLOW_TENANT)\n"
         "  --clock ISO8601     a fixed 'now' for tests and demos (default: the system clock)\n"
         "  --synchronous MODE  durability: OFF, NORMAL, FULL (default), EXTRA\n"
         "\nRun 'raciflow COMMAND --help' for a command's options.\n";
}

// Takes the global options out of `args`, wherever they are.
Globals take_globals(std::vector<std::string>& args) {
  Globals g;
  const char* env = std::getenv("RACIFLOW_DB");
  g.db = env && *env ? env : "raciflow.db";
  if (const char* tenant = std::getenv("RACIFLOW_TENANT")) g.tenant = tenant;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string value;
    std::string name;
    for (const char* option : {"--db", "--clock", "--synchronous", "--tenant"}) {
      std::string o = option;
      if (a == o) {
        if (i + 1 >= args.size()) throw UsageError{o + " needs a value"};
        name = o;
        value = args[++i];
      } else if (a.rfind(o + "=", 0) == 0) {
        name = o;
        value = a.substr(o.size() + 1);
      }
    }
    if (name.empty()) {
      rest.push_back(a);
      continue;
    }
    if (name == "--db") g.db = value;
    if (name == "--clock") g.clock = value;
    if (name == "--synchronous") g.synchronous = value;
    if (name == "--tenant") g.tenant = value;
  }
  args = std::move(rest);
  return g;
}

int run_command(const std::string& name, const Command& command, const Globals& globals,
                const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description visible("Options");
  visible.add_options()("help,h", "show this help");
  po::options_description all;
  command.options(all);
  po::positional_options_description positional;
  if (*command.positional) positional.add(command.positional, -1);
  po::options_description everything;
  everything.add(visible).add(all);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(everything).positional(positional).run(), vm);
    if (vm.count("help")) {
      out << "Usage: " << command.usage << "\n\n" << command.summary << "\n\n";
      po::options_description help("Options");
      help.add_options()("help,h", "show this help");
      for (const auto& option : all.options())
        if (option->long_name() != command.positional) help.add(option);
      out << help;
      return kExitOk;
    }
    po::notify(vm);
  } catch (const po::required_option& e) {
    std::string option = e.get_option_name();
    bool is_positional = option.find(command.positional) != std::string::npos;
    err << "raciflow " << name << ": missing " << (is_positional ? std::string(command.missing) : option)
        << "\nUsage: " << command.usage << "\n";
    return kExitUsage;
  } catch (const po::error& e) {
    err << "raciflow " << name << ": " << e.what() << "\nUsage: " << command.usage << "\n";
    return kExitUsage;
  }
  try {
    return command.action(vm, globals, out, err);
  } catch (const UsageError& e) {
    err << "raciflow " << name << ": " << e.message << "\nUsage: " << command.usage << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    err << "raciflow " << name << ": " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace

int run(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  std::vector<std::string> args = arguments;
  for (std::size_t i = 0; i < args.size(); ++i)
    if (definitions::first_invalid_utf8(args[i]) != std::string::npos) {
      err << "raciflow: argument " << i + 1 << " is not valid UTF-8\n";
      return kExitUsage;
    }
  Globals globals;
  try {
    globals = take_globals(args);
  } catch (const UsageError& e) {
    err << "raciflow: " << e.message << "\n";
    return kExitUsage;
  }
  if (args.empty()) {
    print_overview(err);
    return kExitUsage;
  }
  const std::string& first = args.front();
  if (first == "--help" || first == "-h" || first == "help") {
    if (args.size() > 1 && commands().count(args[1])) return run(std::vector<std::string>{args[1], "--help"}, out, err);
    print_overview(out);
    return kExitOk;
  }
  if (first == "--version") {
    out << "raciflow 0.1.0\n";
    return kExitOk;
  }
  auto it = commands().find(first);
  if (it == commands().end()) {
    err << "raciflow: unknown command '" << first << "'\n\n";
    print_overview(err);
    return kExitUsage;
  }
  return run_command(first, it->second, globals, std::vector<std::string>(args.begin() + 1, args.end()), out, err);
}

}  // namespace raciflow::cli
