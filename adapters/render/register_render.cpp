#include "adapters/render/register_render.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include <xlsxwriter.h>

#include "adapters/render/markup.h"
#include "adapters/render/text_table.h"

namespace raciflow::render {

using nlohmann::json;

namespace {

bool danish(const std::string& language) { return language == "da"; }

std::string status_word(const std::string& status, const std::string& language) {
  static const std::map<std::string, std::pair<const char*, const char*>> kWords = {
      {"active", {"open", "åben"}},           {"completed", {"completed", "afsluttet"}},
      {"cancelled", {"cancelled", "annulleret"}}, {"terminated", {"terminated", "afbrudt"}},
      {"incident", {"stopped by an error", "standset af en fejl"}}};
  auto it = kWords.find(status);
  if (it == kWords.end()) return status;
  return danish(language) ? it->second.second : it->second.first;
}

// "2026-03-01T09:00:00Z" as "2026-03-01 09:00".
std::string minute(const std::string& iso) {
  if (iso.size() < 16) return iso;
  std::string out = iso.substr(0, 16);
  out[10] = ' ';
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : "; ") + i;
  return out;
}

// A heat map cell's shade, 0 (empty) to 3, by its count against the fullest cell's.
int heat_shade(int count, int most) { return count == 0 ? 0 : 1 + std::min(2, (count * 3 - 1) / std::max(1, most)); }

json version_json(const runtime::Register& reg, const runtime::EntryVersion& v, const runtime::Organisation* organisation,
                  const std::string& language) {
  json values = json::object(), cells = json::object();
  for (const auto& column : reg.declaration.columns) {
    json value = runtime::value_at(v.variables, column.variable);
    values[column.variable] = value;
    cells[column.variable] = runtime::cell_text(value, column.type, organisation, language);
  }
  return {{"case", v.row.id},          {"process", v.row.process},     {"process_name", v.process_name},
          {"version", v.row.version},  {"status", v.row.status},       {"started_at", v.row.started_at},
          {"started_by", v.row.started_by}, {"updated_at", v.row.updated_at}, {"steps", v.open_steps},
          {"values", values},          {"cells", cells},               {"variables", v.variables}};
}

}  // namespace

std::string register_name(const runtime::Register& reg, const std::string& language) {
  const auto& d = reg.declaration;
  std::string name = danish(language) ? d.name_da : d.name;
  return name.empty() ? d.id : name;
}

json register_json(const runtime::Register& reg, const std::vector<runtime::RegisterEntry>& entries) {
  const auto& d = reg.declaration;
  json processes = json::array(), columns = json::array();
  for (std::size_t i = 0; i < reg.processes.size(); ++i)
    processes.push_back({{"id", reg.processes[i]}, {"name", reg.process_names[i]}});
  for (const auto& c : d.columns)
    columns.push_back({{"variable", c.variable}, {"label", c.label}, {"label_da", c.label_da}, {"type", c.type}});
  int open = 0, due = 0;
  for (const auto& e : entries) {
    if (e.current.open()) ++open;
    if (e.review_due) ++due;
  }
  json out = {{"id", d.id},           {"name", d.name.empty() ? d.id : d.name}, {"name_da", d.name_da.empty() ? d.id : d.name_da},
              {"processes", processes}, {"columns", columns}, {"review", d.review}, {"entries", entries.size()},
              {"open", open},          {"review_due", due},   {"heat_map", nullptr}};
  if (reg.has_heat_map()) {
    const auto& m = d.heat_map;
    out["heat_map"] = {{"size", m.size},
                       {"likelihood", m.likelihood},
                       {"impact", m.impact},
                       {"residual", !m.residual_likelihood.empty()},
                       {"above_acceptance", m.above}};
  }
  return out;
}

json entry_json(const runtime::Register& reg, const runtime::RegisterEntry& entry, const runtime::Organisation* organisation,
                const std::string& language) {
  json out = version_json(reg, entry.current, organisation, language);
  out.erase("variables");
  out["key"] = entry.key;
  out["versions"] = entry.history.size() + 1;
  out["review_due"] = entry.review_due;
  out["review_due_at"] = entry.review_due_at;
  return out;
}

json entry_history_json(const runtime::Register& reg, const runtime::RegisterEntry& entry, const runtime::Organisation* organisation,
                        const std::string& language) {
  json out = entry_json(reg, entry, organisation, language);
  json versions = json::array();
  versions.push_back(version_json(reg, entry.current, organisation, language));
  for (const auto& v : entry.history) versions.push_back(version_json(reg, v, organisation, language));
  out["history"] = versions;
  return out;
}

json heat_map_json(const runtime::HeatMap& map) {
  auto grid = [](const std::vector<std::vector<runtime::HeatCell>>& cells) {
    json rows = json::array();
    for (const auto& row : cells) {
      json r = json::array();
      for (const auto& cell : row) r.push_back({{"count", cell.count}, {"keys", cell.keys}});
      rows.push_back(r);
    }
    return rows;
  };
  return {{"size", map.size},
          {"inherent", grid(map.inherent)},
          {"residual", grid(map.residual)},
          {"unscored", map.unscored},
          {"above_acceptance", map.above_acceptance}};
}

RegisterTable register_table(const runtime::Register& reg, const std::vector<runtime::RegisterEntry>& entries,
                             const runtime::Organisation* organisation, const std::string& language) {
  const bool da = danish(language);
  RegisterTable t;
  t.header.push_back(da ? "Nøgle" : "Key");
  t.types.push_back("text");
  const auto& columns = reg.declaration.columns;
  if (columns.empty()) {
    t.header.push_back(da ? "Proces" : "Process");
    t.types.push_back("text");
  }
  for (const auto& c : columns) {
    t.header.push_back(da ? c.label_da : c.label);
    t.types.push_back(c.type);
  }
  static const char* const kDanish[] = {"Status", "Åbne trin", "Senest ændret", "Revurderes"};
  static const char* const kEnglish[] = {"Status", "Open steps", "Last changed", "Review due"};
  for (const char* h : da ? kDanish : kEnglish) {
    t.header.push_back(h);
    t.types.push_back("text");
  }
  for (const auto& e : entries) {
    std::vector<std::string> row{e.key};
    if (columns.empty()) row.push_back(e.current.process_name);
    for (const auto& c : columns)
      row.push_back(runtime::cell_text(runtime::value_at(e.current.variables, c.variable), c.type, organisation, language));
    row.push_back(status_word(e.current.row.status, language));
    row.push_back(joined(e.current.open_steps));
    row.push_back(minute(e.current.row.updated_at));
    row.push_back(e.review_due_at.substr(0, std::min<std::size_t>(10, e.review_due_at.size())));
    t.rows.push_back(std::move(row));
  }
  return t;
}

json register_states_json(const std::vector<runtime::RegisterState>& states) {
  json out = json::array();
  for (const auto& s : states) {
    json j = {{"id", s.id},           {"name", s.name},         {"name_da", s.name_da},
              {"entries", s.entries}, {"open", s.open},         {"open_entries", s.open_keys},
              {"overdue", s.overdue}, {"review_due", s.review_due}, {"above_acceptance", s.above_acceptance},
              {"heat_map", nullptr}};
    if (s.heat_map.size) j["heat_map"] = heat_map_json(s.heat_map);
    out.push_back(j);
  }
  return out;
}

namespace {

std::string keys_text(const std::vector<std::string>& keys) {
  if (keys.empty()) return "none";
  std::string out;
  for (std::size_t i = 0; i < keys.size() && i < 20; ++i) out += (i ? ", " : "") + keys[i];
  if (keys.size() > 20) out += " and " + std::to_string(keys.size() - 20) + " more";
  return out;
}

// Rows of a heat map, the highest likelihood first: "likelihood | count per impact".
template <typename Cell>
void each_row(const std::vector<std::vector<runtime::HeatCell>>& grid, Cell cell) {
  for (int l = static_cast<int>(grid.size()); l >= 1; --l)
    for (std::size_t i = 0; i < grid.size(); ++i) cell(l, static_cast<int>(i) + 1, grid[static_cast<std::size_t>(l - 1)][i].count);
}

}  // namespace

std::string register_states_markdown(const std::vector<runtime::RegisterState>& states, const std::string& language) {
  if (states.empty()) return "";
  const bool da = danish(language);
  auto name_of = [&](const runtime::RegisterState& s) { return da && !s.name_da.empty() ? s.name_da : s.name; };
  std::ostringstream out;
  if (da)
    out << "\n## Registre\n\n| Register | Poster | Åbne | Åbne med et trin over frist | Over acceptniveauet | Til revurdering |\n";
  else
    out << "\n## Registers\n\n| Register | Entries | Open | Open with a step overdue | Above the acceptance level | Review due |\n";
  out << "|---|---:|---:|---|---|---:|\n";
  for (const auto& s : states)
    out << "| " << name_of(s) << " | " << s.entries << " | " << s.open << " | " << keys_text(s.overdue) << " | "
        << (s.heat_map.size ? keys_text(s.above_acceptance) : "") << " | " << s.review_due << " |\n";
  for (const auto& s : states) {
    if (!s.heat_map.size) continue;
    for (const auto* kind : {"inherent", "residual"}) {
      bool inherent = std::string(kind) == "inherent";
      const auto& grid = inherent ? s.heat_map.inherent : s.heat_map.residual;
      out << "\n### " << name_of(s) << ": ";
      if (da)
        out << (inherent ? "iboende risiko" : "restrisiko") << " (sandsynlighed nedad, konsekvens henad)";
      else
        out << (inherent ? "inherent risk" : "residual risk") << " (likelihood down, impact across)";
      out << "\n\n| |";
      for (int i = 1; i <= s.heat_map.size; ++i) out << " " << i << " |";
      out << "\n|---|";
      for (int i = 1; i <= s.heat_map.size; ++i) out << "---:|";
      each_row(grid, [&](int l, int i, int count) {
        if (i == 1) out << "\n| " << l << " |";
        out << " " << count << " |";
      });
      out << "\n";
    }
  }
  return out.str();
}

std::string register_states_html(const std::vector<runtime::RegisterState>& states, const std::string& language) {
  if (states.empty()) return "";
  const bool da = danish(language);
  auto name_of = [&](const runtime::RegisterState& s) { return da && !s.name_da.empty() ? s.name_da : s.name; };
  std::ostringstream out;
  if (da)
    out << "<h2>Registre</h2><table class=\"registers\"><tr><th>Register</th><th>Poster</th><th>Åbne</th><th>Åbne med et trin over frist</th>"
           "<th>Over acceptniveauet</th><th>Til revurdering</th></tr>";
  else
    out << "<h2>Registers</h2><table class=\"registers\"><tr><th>Register</th><th>Entries</th><th>Open</th><th>Open with a step overdue</th>"
           "<th>Above the acceptance level</th><th>Review due</th></tr>";
  for (const auto& s : states)
    out << "<tr data-register=\"" << xml_escape(s.id) << "\"><td>" << xml_escape(name_of(s)) << "</td><td>" << s.entries << "</td><td>" << s.open
        << "</td><td>" << xml_escape(keys_text(s.overdue)) << "</td><td>" << xml_escape(s.heat_map.size ? keys_text(s.above_acceptance) : "")
        << "</td><td>" << s.review_due << "</td></tr>";
  out << "</table>";
  static const char* const kShades[] = {"#ffffff", "#fde2c8", "#f7a072", "#a8321f"};
  for (const auto& s : states) {
    if (!s.heat_map.size) continue;
    out << "<h3>" << xml_escape(name_of(s)) << (da ? ": risikokort" : ": heat map") << "</h3><div style=\"display:flex;gap:2rem;flex-wrap:wrap\">";
    for (const auto* kind : {"inherent", "residual"}) {
      const auto& grid = std::string(kind) == "inherent" ? s.heat_map.inherent : s.heat_map.residual;
      int most = 1;
      each_row(grid, [&](int, int, int count) { most = std::max(most, count); });
      out << "<table class=\"heatmap\" data-kind=\"" << kind << "\"><caption>"
          << (std::string(kind) == "inherent" ? (da ? "Iboende risiko" : "Inherent risk") : (da ? "Restrisiko" : "Residual risk"))
          << "</caption><tr><th>" << (da ? "Sandsynlighed ↓ / konsekvens →" : "Likelihood ↓ / impact →") << "</th>";
      for (int i = 1; i <= s.heat_map.size; ++i) out << "<th>" << i << "</th>";
      out << "</tr>";
      each_row(grid, [&](int l, int i, int count) {
        if (i == 1) out << "<tr><th>" << l << "</th>";
        int shade = heat_shade(count, most);
        out << "<td style=\"text-align:center;background:" << kShades[shade] << (shade == 3 ? ";color:#fff" : "") << "\">" << count << "</td>";
        if (i == s.heat_map.size) out << "</tr>";
      });
      out << "</table>";
    }
    out << "</div>";
  }
  return out.str();
}

json soa_json(const runtime::Soa& soa) {
  json versions = json::array(), controls = json::array();
  for (const auto& v : soa.versions)
    versions.push_back({{"version", v.number}, {"case", v.case_id}, {"approved_at", v.approved_at}, {"approved_by", v.approved_by},
                        {"changed", v.changed}});
  for (const auto& c : soa.controls)
    controls.push_back({{"control", c.number},
                        {"title", c.title},
                        {"control_2013", c.number_2013},
                        {"applicable", c.applicable ? json(*c.applicable) : json(nullptr)},
                        {"justification", c.justification},
                        {"status", c.status},
                        {"risks", c.risks},
                        {"evidence", c.evidence_cases},
                        {"changed", c.changed}});
  return {{"version", soa.version},
          {"versions", versions},
          {"open_case", soa.open_case.empty() ? json(nullptr) : json(soa.open_case)},
          {"proposed", soa.proposed},
          {"controls", controls}};
}

RegisterTable soa_table(const runtime::Soa& soa, const std::string& language) {
  const bool da = danish(language);
  RegisterTable t;
  t.header = da ? std::vector<std::string>{"Kontrol", "2013", "Titel", "Gælder", "Begrundelse", "Status", "Risici", "Evidens (sager)"}
                : std::vector<std::string>{"Control", "2013", "Title", "Applicable", "Justification", "Status", "Risks", "Evidence (cases)"};
  t.types.assign(t.header.size(), "text");
  auto list = [](const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
  };
  for (const auto& c : soa.controls)
    t.rows.push_back({c.number, c.number_2013, c.title,
                      c.applicable ? runtime::cell_text(*c.applicable, "yesno", nullptr, language) : (da ? "ikke vurderet" : "not assessed"),
                      c.justification, c.status, list(c.risks), list(c.evidence_cases)});
  return t;
}

std::string register_text(const RegisterTable& table) { return format_text_table(table.header, table.rows); }

std::string register_csv(const RegisterTable& table) {
  std::string out;
  auto line = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
    out += "\n";
  };
  line(table.header);
  for (const auto& row : table.rows) line(row);
  return out;
}

namespace {

// Excel's rules for a sheet name: at most 31 characters, none of []:*?/\, unique.
std::string sheet_name(std::string name, std::set<std::string>& used) {
  for (char& ch : name)
    if (std::string_view("[]:*?/\\").find(ch) != std::string_view::npos) ch = '-';
  auto fit = [](std::string s, std::size_t n) {
    // Cut at a code point's start, never inside a UTF-8 sequence.
    if (s.size() <= n) return s;
    std::size_t cut = n;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return s.substr(0, cut);
  };
  std::string base = fit(name, 31), candidate = base;
  for (int n = 2; used.count(candidate); ++n) candidate = fit(base, 28) + " " + std::to_string(n);
  used.insert(candidate);
  return candidate;
}

struct Workbook {
  lxw_workbook* book;
  explicit Workbook(const std::string& path) : book(workbook_new(path.c_str())) {
    if (!book) throw std::runtime_error("cannot create the spreadsheet " + path);
  }
  ~Workbook() {
    if (book) workbook_close(book);
  }
  void close() {
    lxw_error error = workbook_close(book);
    book = nullptr;
    if (error != LXW_NO_ERROR) throw std::runtime_error(std::string("cannot write the spreadsheet: ") + lxw_strerror(error));
  }
};

void write_cell(lxw_worksheet* sheet, lxw_row_t r, lxw_col_t c, const std::string& text, const std::string& type, lxw_format* format) {
  if (type == "number" && !text.empty()) {
    std::size_t used = 0;
    try {
      double v = std::stod(text, &used);
      if (used == text.size()) {
        worksheet_write_number(sheet, r, c, v, format);
        return;
      }
    } catch (const std::exception&) {
    }
  }
  worksheet_write_string(sheet, r, c, formula_safe(text).c_str(), format);
}

void write_heat_map(lxw_workbook* book, lxw_worksheet* sheet, const RegisterSheet& s, const std::string& language) {
  const bool da = danish(language);
  const auto& map = s.heat_map;
  lxw_format* bold = workbook_add_format(book);
  format_set_bold(bold);
  std::vector<lxw_format*> shades;
  // Shaded by how many entries a cell holds: none, few, some, many.
  for (lxw_color_t colour : {0xFFFFFFu, 0xFDE2C8u, 0xF7A072u, 0xC8402Au}) {
    lxw_format* f = workbook_add_format(book);
    format_set_bg_color(f, colour);
    format_set_pattern(f, LXW_PATTERN_SOLID);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_align(f, LXW_ALIGN_CENTER);
    if (colour == 0xC8402Au) format_set_font_color(f, LXW_COLOR_WHITE);
    shades.push_back(f);
  }
  int most = 1;
  for (const auto* grid : {&map.inherent, &map.residual})
    for (const auto& row : *grid)
      for (const auto& cell : row) most = std::max(most, cell.count);
  worksheet_write_string(sheet, 0, 0, formula_safe(register_name(*s.reg, language)).c_str(), bold);
  auto grid = [&](const std::vector<std::vector<runtime::HeatCell>>& cells, lxw_col_t left, const char* title) {
    worksheet_write_string(sheet, 2, left, title, bold);
    worksheet_write_string(sheet, 3, left, da ? "Sandsynlighed ↓ / konsekvens →" : "Likelihood ↓ / impact →", nullptr);
    for (int i = 1; i <= map.size; ++i) worksheet_write_number(sheet, 3, static_cast<lxw_col_t>(left + i), i, bold);
    for (int l = map.size; l >= 1; --l) {
      lxw_row_t r = static_cast<lxw_row_t>(4 + map.size - l);
      worksheet_write_number(sheet, r, left, l, bold);
      for (int i = 1; i <= map.size; ++i) {
        int count = cells[static_cast<std::size_t>(l - 1)][static_cast<std::size_t>(i - 1)].count;
        int shade = heat_shade(count, most);
        worksheet_write_number(sheet, r, static_cast<lxw_col_t>(left + i), count, shades[static_cast<std::size_t>(shade)]);
      }
    }
  };
  grid(map.inherent, 0, da ? "Iboende risiko" : "Inherent risk");
  if (!s.reg->declaration.heat_map.residual_likelihood.empty())
    grid(map.residual, static_cast<lxw_col_t>(map.size + 2), da ? "Restrisiko efter håndtering" : "Residual risk after treatment");
  lxw_row_t below = static_cast<lxw_row_t>(5 + map.size);
  worksheet_write_string(sheet, below, 0, da ? "Uden vurdering" : "Not scored", nullptr);
  worksheet_write_number(sheet, below, 1, map.unscored, nullptr);
  if (!s.reg->declaration.heat_map.above.empty()) {
    worksheet_write_string(sheet, below + 1, 0, da ? "Over acceptniveauet" : "Above the acceptance level", nullptr);
    worksheet_write_number(sheet, below + 1, 1, map.above_acceptance, nullptr);
  }
  worksheet_set_column(sheet, 0, 0, 30, nullptr);
}

}  // namespace

std::string registers_xlsx(const std::vector<RegisterSheet>& sheets, const std::string& language) {
  // The library writes to a file: a private one made in the temporary directory (mkstemp:
  // a new name, opened exclusively, mode 0600), read back and removed.
  std::string pattern = (std::filesystem::temp_directory_path() / "raciflow-register-XXXXXX.xlsx").string();
  int fd = ::mkstemps(pattern.data(), 5);
  if (fd < 0) throw std::runtime_error("cannot make a temporary file for the spreadsheet in " + std::filesystem::temp_directory_path().string());
  ::close(fd);
  const std::filesystem::path path = pattern;
  struct Remove {
    std::filesystem::path p;
    ~Remove() {
      std::error_code ignored;
      std::filesystem::remove(p, ignored);
    }
  } remove{path};
  {
    Workbook wb(path.string());
    lxw_format* header = workbook_add_format(wb.book);
    format_set_bold(header);
    format_set_bottom(header, LXW_BORDER_THIN);
    lxw_format* wrap = workbook_add_format(wb.book);
    format_set_text_wrap(wrap);
    format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
    std::set<std::string> used;
    std::vector<std::pair<const RegisterSheet*, std::string>> maps;
    for (const auto& s : sheets) {
      std::string name = sheet_name(register_name(*s.reg, language), used);
      lxw_worksheet* sheet = workbook_add_worksheet(wb.book, name.c_str());
      if (!sheet) throw std::runtime_error("cannot add the sheet '" + name + "'");
      for (std::size_t c = 0; c < s.table.header.size(); ++c)
        worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), formula_safe(s.table.header[c]).c_str(), header);
      for (std::size_t r = 0; r < s.table.rows.size(); ++r)
        for (std::size_t c = 0; c < s.table.rows[r].size(); ++c)
          write_cell(sheet, static_cast<lxw_row_t>(r + 1), static_cast<lxw_col_t>(c), s.table.rows[r][c], s.table.types[c], wrap);
      worksheet_set_column(sheet, 0, static_cast<lxw_col_t>(s.table.header.size() - 1), 18, nullptr);
      worksheet_freeze_panes(sheet, 1, 1);
      if (!s.table.rows.empty())
        worksheet_autofilter(sheet, 0, 0, static_cast<lxw_row_t>(s.table.rows.size()), static_cast<lxw_col_t>(s.table.header.size() - 1));
      if (s.heat_map.size > 0) maps.emplace_back(&s, name);
    }
    for (const auto& [s, name] : maps) {
      std::string title = sheet_name((danish(language) ? "Risikokort " : "Heat map ") + name, used);
      lxw_worksheet* sheet = workbook_add_worksheet(wb.book, title.c_str());
      if (!sheet) throw std::runtime_error("cannot add the sheet '" + title + "'");
      write_heat_map(wb.book, sheet, *s, language);
    }
    wb.close();
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace raciflow::render
