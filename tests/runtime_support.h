// Driving live cases through the command line in runtime tests.
#pragma once

#include "cli_support.h"

namespace raciflow::testing {

// A workspace with the deviation and corrective-action samples deployed and the sample
// organisation loaded.
class Agency : public Workspace {
 public:
  Agency() {
    ok({"deploy", sample("deviation-handling.bpmn"), sample("corrective-action.bpmn"), "--as", "anna"});
    ok({"org", "load", sample("org.xml"), "--as", "anna"});
  }
};

// The open or claimed task of `case_id` at `node`, as `tasks --json` shows it; null when none.
inline nlohmann::json open_task(const Workspace& w, const std::string& case_id, const std::string& node) {
  for (const auto& t : w.cli({"tasks", "--case", case_id, "--json"}).json())
    if (t["node"] == node) return t;
  return nullptr;
}

inline std::string task_id(const Workspace& w, const std::string& case_id, const std::string& node) {
  auto t = open_task(w, case_id, node);
  INFO("no open task at " << node << " in case " << case_id);
  REQUIRE(t.is_object());
  return std::to_string(t["id"].get<long long>());
}

// The first line of output, without its line break.
inline std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace raciflow::testing
