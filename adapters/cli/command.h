// The parts of the command line that the command files share (internal to adapters/cli).
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "definitions/iso8601.h"
#include "definitions/messages.h"

namespace raciflow::runtime {
class Store;
}

namespace raciflow::delivery {
struct Settings;
}

namespace raciflow::cli {

namespace po = boost::program_options;

// Options that every command accepts, anywhere on the line.
struct Globals {
  std::string db;                     // --db, else $RACIFLOW_DB, else ./raciflow.db
  std::optional<std::string> clock;   // --clock ISO8601: a fixed 'now'
  std::string synchronous = "FULL";   // --synchronous OFF|NORMAL|FULL|EXTRA
  std::string tenant;                 // --tenant, else $RACIFLOW_TENANT: the organisation in a PostgreSQL database
};

struct Command {
  const char* summary;
  const char* usage;
  std::function<void(po::options_description&)> options;
  std::function<int(const po::variables_map&, const Globals&, std::ostream&, std::ostream&)> action;
  const char* positional = "file";  // the name positional arguments are stored under
  const char* missing = "FILE";     // what to say when a required positional is missing
};

// Wrong use of a command: printed with the usage, exit 2.
struct UsageError {
  std::string message;
};

void add_definition_commands(std::map<std::string, Command>& table);
void add_runtime_commands(std::map<std::string, Command>& table);
void add_server_commands(std::map<std::string, Command>& table);
void add_calendar_commands(std::map<std::string, Command>& table);
void add_evidence_commands(std::map<std::string, Command>& table);
void add_register_commands(std::map<std::string, Command>& table);
void add_people_commands(std::map<std::string, Command>& table);

// --lang (da or en), else the locale's language (LC_ALL, LC_MESSAGES, LANG), else English.
definitions::Language language_of(const po::variables_map& vm);

// --format's value when it is one of `allowed`; else a UsageError listing them.
std::string format_of(const po::variables_map& vm, std::initializer_list<const char*> allowed);

// Shared by the command files (runtime_commands.cpp).
definitions::TimePoint clock_now(const Globals& g);  // --clock, else the system clock
std::unique_ptr<runtime::Store> open_store(const Globals& g, bool create);
std::string operator_name(const po::variables_map& vm);  // --as, else the login name
// --log, --smtp, --from, --base-url: where notifications go (deliver and serve).
void delivery_options(po::options_description& o);
delivery::Settings delivery_settings(const po::variables_map& vm);

}  // namespace raciflow::cli
