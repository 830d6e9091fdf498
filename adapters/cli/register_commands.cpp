// raciflow register: the ISMS's registers (docs/registers.md) as a table, CSV, JSON or an
// XLSX workbook.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <ostream>

#include <nlohmann/json.hpp>

#include "adapters/cli/cli.h"
#include "adapters/cli/command.h"
#include "adapters/cli/session.h"
#include "adapters/render/register_render.h"
#include "adapters/render/text_table.h"
#include "runtime/registers.h"
#include "runtime/soa.h"

namespace raciflow::cli {

using nlohmann::json;

namespace {

// --lang: the language of labels and cells.
std::string language_of(const po::variables_map& vm) {
  std::string lang = vm["lang"].as<std::string>();
  if (lang != "en" && lang != "da") throw UsageError{"unknown --lang '" + lang + "' (da, en)"};
  return lang;
}

int cmd_register(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  std::string format = format_of(vm, {"table", "csv", "json", "xlsx"});
  std::string lang = language_of(vm);
  std::string name = vm.count("name") ? vm["name"].as<std::string>() : "";
  Session s(g, false);
  auto tx = s.store->begin_read();
  auto org = s.store->organisation();
  const runtime::Organisation* o = org ? &*org : nullptr;
  auto all = runtime::registers(*s.store, *s.runtime);
  const auto now = clock_now(g);

  if (name.empty()) {  // the list of registers
    if (format != "table" && format != "json") throw UsageError{"the list of registers is a table or json; name a register for csv or xlsx"};
    json list = json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& reg : all) {
      auto entries = runtime::register_entries(*s.store, reg, now);
      json j = render::register_json(reg, entries);
      list.push_back(j);
      std::string processes;
      for (const auto& p : reg.process_names) processes += (processes.empty() ? "" : ", ") + p;
      rows.push_back({reg.id(), render::register_name(reg, lang), std::to_string(entries.size()),
                      std::to_string(j["open"].get<int>()), processes});
    }
    if (format == "json") {
      out << list.dump(2) << "\n";
    } else if (rows.empty()) {
      out << (lang == "da" ? "Ingen registre: ingen udrullet proces har raci:register.\n"
                           : "No registers: no deployed process has raci:register.\n");
    } else {
      out << render::format_text_table(lang == "da" ? std::vector<std::string>{"Register", "Navn", "Poster", "Åbne", "Processer"}
                                                   : std::vector<std::string>{"Register", "Name", "Entries", "Open", "Processes"},
                                       rows);
    }
    return kExitOk;
  }

  std::vector<const runtime::Register*> chosen;
  for (const auto& reg : all)
    if (name == "all" || reg.id() == name) chosen.push_back(&reg);
  if (chosen.empty()) {
    std::string known;
    for (const auto& reg : all) known += (known.empty() ? "" : ", ") + reg.id();
    throw std::runtime_error("no register '" + name + "'" + (known.empty() ? " (none is kept by a deployed process)" : " (registers: " + known + ")"));
  }
  if (chosen.size() > 1 && format != "xlsx" && format != "json")
    throw UsageError{"'all' registers go into one xlsx workbook or json; name one register for a table or csv"};

  std::vector<render::RegisterSheet> sheets;
  json documents = json::array();
  for (const auto* reg : chosen) {
    auto entries = runtime::register_entries(*s.store, *reg, now);
    render::RegisterSheet sheet{reg, render::register_table(*reg, entries, o, lang), {}};
    if (reg->has_heat_map()) sheet.heat_map = runtime::heat_map(*reg, entries);
    if (format == "json") {
      json doc = render::register_json(*reg, entries);
      doc["items"] = json::array();
      for (const auto& e : entries) doc["items"].push_back(render::entry_history_json(*reg, e, o, lang));
      if (reg->has_heat_map()) doc["heat_map_cells"] = render::heat_map_json(sheet.heat_map);
      documents.push_back(doc);
    }
    sheets.push_back(std::move(sheet));
  }
  if (format == "json") {
    out << (name == "all" ? documents : documents[0]).dump(2) << "\n";
  } else if (format == "table") {
    out << render::register_text(sheets[0].table);
  } else if (format == "csv") {
    out << render::register_csv(sheets[0].table);
  } else {
    std::string bytes = render::registers_xlsx(sheets, lang);
    if (vm.count("output")) {
      std::ofstream file(vm["output"].as<std::string>(), std::ios::binary);
      if (!(file << bytes)) throw std::runtime_error("cannot write " + vm["output"].as<std::string>());
    } else {
      if (&out == &std::cout && ::isatty(STDOUT_FILENO))
        throw UsageError{"a spreadsheet is not for the terminal: give --output FILE.xlsx or redirect to a file"};
      out << bytes;
    }
  }
  return kExitOk;
}

int cmd_soa(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  std::string format = format_of(vm, {"table", "csv", "json"});
  std::string lang = language_of(vm);
  int version = vm.count("version") ? vm["version"].as<int>() : 0;
  if (version < 0) throw UsageError{"--version is a version number, 1 or more"};
  Session s(g, false);
  auto tx = s.store->begin_read();
  auto soa = runtime::build_soa(*s.store, *s.runtime, clock_now(g), version);
  if (format == "json") {
    out << render::soa_json(soa).dump(2) << "\n";
    return kExitOk;
  }
  auto table = render::soa_table(soa, lang);
  if (format == "csv") {
    out << render::register_csv(table);
    return kExitOk;
  }
  if (soa.version == 0)
    out << (lang == "da" ? "Ingen godkendt version endnu.\n" : "No version approved yet.\n");
  else
    out << (lang == "da" ? "Version " : "Version ") << soa.version << (lang == "da" ? ", godkendt " : ", approved ")
        << soa.versions[static_cast<std::size_t>(soa.version - 1)].approved_at << (lang == "da" ? " af " : " by ")
        << soa.versions[static_cast<std::size_t>(soa.version - 1)].approved_by << "\n\n";
  out << render::register_text(table);
  return kExitOk;
}

}  // namespace

void add_register_commands(std::map<std::string, Command>& t) {
  t["soa"] = {"the Statement of Applicability: the 93 Annex A controls as an approved version left them, with risks and evidence",
              "raciflow soa [--version N] [--format table|csv|json] [--lang en|da]",
              [](po::options_description& o) {
                o.add_options()("format", po::value<std::string>()->default_value("table"), "table, csv or json")(
                    "lang", po::value<std::string>()->default_value("en"), "the labels' language: en or da")(
                    "version", po::value<int>(), "an approved version (default: the latest)");
              },
              cmd_soa, ""};
  t["register"] = {"the ISMS's registers kept by the flows: the list, or one register's entries (all: every register, for xlsx and json)",
                   "raciflow register [NAME|all] [--format table|csv|json|xlsx] [--lang en|da] [--output FILE]",
                   [](po::options_description& o) {
                     o.add_options()("format", po::value<std::string>()->default_value("table"), "table, csv, json or xlsx")(
                         "lang", po::value<std::string>()->default_value("en"), "the labels' language: en or da")(
                         "output", po::value<std::string>(), "write to this file (an xlsx workbook needs a file or a redirect)")(
                         "name", po::value<std::string>(), "the register's id, or all");
                   },
                   cmd_register, "name", "NAME"};
}

}  // namespace raciflow::cli
