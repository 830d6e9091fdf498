#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "adapters/cli/cli.h"
#include "adapters/cli/command.h"
#include "adapters/render/bpmn_layout.h"
#include "adapters/render/dot.h"
#include "adapters/render/findings.h"
#include "adapters/render/raci_render.h"
#include "definitions/definition_set.h"
#include "definitions/dmn.h"
#include "definitions/dmn_eval.h"
#include "definitions/raci.h"
#include "runtime/organisation.h"

namespace raciflow::cli {

using definitions::Definitions;
using definitions::LoadedFile;
using definitions::Process;

namespace {

void print_findings(const LoadedFile& file, std::ostream& err, definitions::Language lang = definitions::Language::en) {
  for (const auto& d : file.diagnostics.all()) err << d.format(lang) << "\n";
}


// Loads one file for a view. Prints its findings; returns null when it has errors.
const Definitions* load_for_view(std::vector<LoadedFile>& files, std::ostream& err) {
  LoadedFile& file = files.front();
  print_findings(file, err);
  if (!file.definitions || file.diagnostics.has_errors()) return nullptr;
  return &*file.definitions;
}

// The process a view shows: --process, or the only process that has flow nodes.
const Process* choose_process(const Definitions& defs, const po::variables_map& vm, std::ostream& err) {
  if (vm.count("process")) {
    const auto& id = vm["process"].as<std::string>();
    if (const Process* p = defs.find_process(id)) return p;
    std::string known;
    for (const auto& p : defs.processes) known += (known.empty() ? "" : ", ") + p.id;
    err << defs.file << ": error: no process '" << id << "' (processes: " << known << ")\n";
    return nullptr;
  }
  std::vector<const Process*> candidates;
  for (const auto& p : defs.processes)
    if (!p.nodes.empty()) candidates.push_back(&p);
  if (candidates.size() == 1) return candidates.front();
  std::string known;
  for (const auto* p : candidates) known += (known.empty() ? "" : ", ") + p->id;
  err << defs.file << ": error: the file holds " << candidates.size() << " processes (" << known
      << "); choose one with --process\n";
  return nullptr;
}

int cmd_validate(const po::variables_map& vm, const Globals&, std::ostream& out, std::ostream& err) {
  auto paths = vm["file"].as<std::vector<std::string>>();
  const definitions::Language lang = language_of(vm);
  const bool da = lang == definitions::Language::da;
  std::optional<std::set<std::string>> roles;
  if (vm.count("org")) {
    const auto& org_path = vm["org"].as<std::string>();
    definitions::Diagnostics org_findings(org_path);
    auto org = runtime::read_organisation(org_path, org_findings);
    if (!org) {
      for (const auto& d : org_findings.all()) err << d.format() << "\n";
      return kExitFailed;
    }
    roles.emplace();
    for (const auto& r : org->roles) roles->insert(r.id);
  }
  // DMN decision models are read and their cells compiled; the rest are BPMN.
  std::vector<std::string> bpmn;
  std::vector<std::pair<definitions::Diagnostics, std::size_t>> decisions;  // findings, decision count
  for (const auto& path : paths) {
    if (path.size() <= 4 || path.compare(path.size() - 4, 4, ".dmn") != 0) {
      bpmn.push_back(path);
      continue;
    }
    definitions::Diagnostics d(path);
    std::size_t count = 0;
    if (auto model = definitions::load_dmn_file(path, d); model && definitions::DecisionEngine::compile(*model, d))
      count = model->decisions.size();
    decisions.emplace_back(std::move(d), count);
  }
  auto files = bpmn.empty() ? std::vector<definitions::LoadedFile>{}
                            : definitions::load_and_validate(bpmn, /*resolve_calls=*/true, roles ? &*roles : nullptr);
  bool failed = false;
  if (vm.count("json")) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& file : files) {
      failed |= file.diagnostics.has_errors();
      for (const auto& d : file.diagnostics.all())
        findings.push_back(render::finding_json(d, lang));
    }
    for (const auto& [d, count] : decisions) {
      failed |= d.has_errors();
      for (const auto& f : d.all()) findings.push_back(render::finding_json(f, lang));
    }
    out << findings.dump(2) << "\n";
    return failed ? kExitFailed : kExitOk;
  }
  for (const auto& [d, count] : decisions) {
    for (const auto& f : d.all()) err << f.format(lang) << "\n";
    failed |= d.has_errors();
    if (d.has_errors()) continue;
    std::size_t warnings = d.all().size();
    out << d.file() << ": ok (" << count << " decision" << (count == 1 ? "" : "s") << ", " << warnings << " warning"
        << (warnings == 1 ? "" : "s") << ")\n";
  }
  for (const auto& file : files) {
    print_findings(file, err, lang);
    failed |= file.diagnostics.has_errors();
    if (!file.definitions || file.diagnostics.has_errors()) continue;
    std::size_t nodes = 0, warnings = file.diagnostics.all().size(), processes = file.definitions->processes.size();
    for (const auto& p : file.definitions->processes) nodes += p.nodes.size();
    if (da)
      out << file.diagnostics.file() << ": ok (" << processes << (processes == 1 ? " proces, " : " processer, ") << nodes
          << (nodes == 1 ? " element, " : " elementer, ") << warnings << (warnings == 1 ? " advarsel" : " advarsler") << ")\n";
    else
      out << file.diagnostics.file() << ": ok (" << processes << " process" << (processes == 1 ? "" : "es") << ", " << nodes
          << " flow nodes, " << warnings << " warning" << (warnings == 1 ? "" : "s") << ")\n";
  }
  return failed ? kExitFailed : kExitOk;
}

int cmd_raci(const po::variables_map& vm, const Globals&, std::ostream& out, std::ostream& err) {
  const auto& format_name = vm["format"].as<std::string>();
  auto format = render::parse_raci_format(format_name);
  if (!format) throw UsageError{"unknown --format '" + format_name + "' (table, csv, markdown, json)"};
  auto files = definitions::load_and_validate({vm["file"].as<std::string>()}, /*resolve_calls=*/false);
  const Definitions* defs = load_for_view(files, err);
  if (!defs) return kExitFailed;
  const Process* process = choose_process(*defs, vm, err);
  if (!process) return kExitFailed;
  out << render::render_raci(definitions::raci_matrix(*process), *format);
  return kExitOk;
}

int cmd_graph(const po::variables_map& vm, const Globals&, std::ostream& out, std::ostream& err) {
  auto files = definitions::load_and_validate({vm["file"].as<std::string>()}, /*resolve_calls=*/false);
  const Definitions* defs = load_for_view(files, err);
  if (!defs) return kExitFailed;
  const Process* process = choose_process(*defs, vm, err);
  if (!process) return kExitFailed;
  out << render::render_dot(*process);
  return kExitOk;
}

int cmd_layout(const po::variables_map& vm, const Globals&, std::ostream& out, std::ostream& err) {
  const auto& path = vm["file"].as<std::string>();
  auto files = definitions::load_and_validate({path}, /*resolve_calls=*/false);
  const Definitions* defs = load_for_view(files, err);
  if (!defs) return kExitFailed;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string drawn = render::layout_bpmn(text.str(), *defs);
  if (!vm.count("output")) {
    out << drawn;
    return kExitOk;
  }
  const auto& target = vm["output"].as<std::string>();
  std::ofstream file(target, std::ios::binary | std::ios::trunc);
  file << drawn;
  if (!file.flush()) {
    err << target << ": cannot write\n";
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace

void add_definition_commands(std::map<std::string, Command>& table) {
  table.insert({{"layout",
                 {"add a generated diagram (BPMNDI: pool, lanes, shapes, edges) to a definition",
                  "raciflow layout FILE [--output OUT]",
                  [](po::options_description& o) {
                    o.add_options()("output,o", po::value<std::string>(), "write here (may be FILE itself) instead of to standard output")(
                        "file", po::value<std::string>()->required(), "definition file");
                  },
                  cmd_layout}},
                {"validate",
       {"check definition files (BPMN, and DMN decision models ending in .dmn) and report every finding",
        "raciflow validate FILE... [--org ORGANISATION.xml] [--json] [--lang da|en]",
        [](po::options_description& o) {
          o.add_options()("json", "print the findings as a JSON array of {file, line, severity, message, element, message_id, text}")(
              "lang", po::value<std::string>(), "the findings' language: da or en (default: the locale, else en)")(
              "org", po::value<std::string>(), "check RACI roles against this organisation file's roles")(
              "file", po::value<std::vector<std::string>>()->required(), "definition files");
        },
        cmd_validate}},
      {"raci",
       {"print the RACI matrix of a process",
        "raciflow raci FILE [--process ID] [--format table|csv|markdown|json]",
        [](po::options_description& o) {
          o.add_options()("process", po::value<std::string>(), "the process to show (needed when the file has several)")(
              "format", po::value<std::string>()->default_value("table"), "table, csv, markdown or json")(
              "file", po::value<std::string>()->required(), "definition file");
        },
        cmd_raci}},
      {"graph",
       {"print a process as Graphviz DOT, one cluster per lane",
        "raciflow graph FILE [--process ID]",
        [](po::options_description& o) {
          o.add_options()("process", po::value<std::string>(), "the process to draw (needed when the file has several)")(
              "file", po::value<std::string>()->required(), "definition file");
        },
        cmd_graph}}});
}

}  // namespace raciflow::cli
