#include "adapters/render/raci_render.h"

#include <nlohmann/json.hpp>

#include "adapters/render/text_table.h"

namespace raciflow::render {

using definitions::RaciMatrix;

namespace {

std::string step_label(const definitions::FlowNode& step) { return step.name.empty() ? step.id : step.name; }

std::string role_label(const definitions::Role& role) { return role.name.empty() ? role.id : role.name; }

std::string markdown_cell(std::string value) {
  std::string out;
  for (char c : value) {
    if (c == '|') out += '\\';
    if (c == '\n' || c == '\r') c = ' ';
    out += c;
  }
  return out;
}

std::string title(const RaciMatrix& m) {
  const auto& p = *m.process;
  return p.name.empty() ? p.id : p.name + " (" + p.id + ")";
}

std::string render_table(const RaciMatrix& m) {
  std::vector<std::string> header{"Step"};
  for (const auto& role : m.columns) header.push_back(role_label(role));
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : m.rows) {
    std::vector<std::string> cells{step_label(*row.step)};
    cells.insert(cells.end(), row.cells.begin(), row.cells.end());
    rows.push_back(std::move(cells));
  }
  return "RACI matrix: " + title(m) + "\n\n" + format_text_table(header, rows);
}

std::string render_csv(const RaciMatrix& m) {
  std::string out = "step,name";
  for (const auto& role : m.columns) out += "," + csv_field(role.id);
  out += "\r\n";
  for (const auto& row : m.rows) {
    out += csv_field(row.step->id) + "," + csv_field(row.step->name);
    for (const auto& cell : row.cells) out += "," + cell;
    out += "\r\n";
  }
  return out;
}

std::string render_markdown(const RaciMatrix& m) {
  std::string out = "| Step |";
  std::string rule = "|---|";
  for (const auto& role : m.columns) {
    out += " " + markdown_cell(role_label(role)) + " |";
    rule += ":---:|";
  }
  out += "\n" + rule + "\n";
  for (const auto& row : m.rows) {
    out += "| " + markdown_cell(step_label(*row.step)) + " |";
    for (const auto& cell : row.cells) out += " " + cell + " |";
    out += "\n";
  }
  return out;
}

std::string render_json(const RaciMatrix& m) {
  using nlohmann::json;
  json roles = json::array();
  for (const auto& role : m.columns) roles.push_back({{"id", role.id}, {"name", role.name}});
  json steps = json::array();
  for (const auto& row : m.rows) {
    const auto& s = *row.step;
    json cells = json::object();
    for (std::size_t c = 0; c < m.columns.size(); ++c)
      if (!row.cells[c].empty()) cells[m.columns[c].id] = row.cells[c];
    json step = {{"id", s.id},
                 {"name", s.name},
                 {"kind", definitions::element_name(s.kind)},
                 {"line", s.line},
                 {"lane", s.role},
                 {"responsible", s.raci.responsible},
                 {"accountable", s.raci.accountable},
                 {"consulted", s.raci.consulted},
                 {"informed", s.raci.informed},
                 {"cells", cells},
                 {"iso", s.iso},
                 {"separateFrom", s.separate_from}};
    step["due"] = s.due_text.empty() ? json(nullptr) : json(s.due_text);
    steps.push_back(std::move(step));
  }
  json out = {{"process", m.process->id}, {"name", m.process->name}, {"roles", roles}, {"steps", steps}};
  return out.dump(2) + "\n";
}

}  // namespace

std::optional<RaciFormat> parse_raci_format(std::string_view name) {
  if (name == "table") return RaciFormat::table;
  if (name == "csv") return RaciFormat::csv;
  if (name == "markdown") return RaciFormat::markdown;
  if (name == "json") return RaciFormat::json;
  return std::nullopt;
}

std::string render_raci(const RaciMatrix& matrix, RaciFormat format) {
  switch (format) {
    case RaciFormat::table: return render_table(matrix);
    case RaciFormat::csv: return render_csv(matrix);
    case RaciFormat::markdown: return render_markdown(matrix);
    case RaciFormat::json: return render_json(matrix);
  }
  return {};
}

}  // namespace raciflow::render
