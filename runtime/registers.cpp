#include "runtime/registers.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "runtime/access.h"

namespace raciflow::runtime {

using nlohmann::json;

std::vector<Register> registers(Store& store, Runtime& runtime) {
  std::map<std::string, Register> by_id;
  auto definitions = store.latest_definitions();
  std::sort(definitions.begin(), definitions.end(), [](const auto& a, const auto& b) { return a.process < b.process; });
  for (const auto& d : definitions) {
    const definitions::Process& process = runtime.process_of(d.process, d.version);
    const auto& keeps = process.keeps;
    if (keeps.id.empty()) continue;
    Register& reg = by_id[keeps.id];
    if (reg.declaration.id.empty() || (!reg.declaration.declared && keeps.declared)) reg.declaration = keeps;
    reg.processes.push_back(process.id);
    reg.process_names.push_back(process.name.empty() ? process.id : process.name);
    std::set<std::string> roles(reg.roles.begin(), reg.roles.end());
    for (const auto& role : process.roles) roles.insert(role.id);
    for (const auto& node : process.nodes)
      for (const auto* letter : {&node.raci.responsible, &node.raci.accountable, &node.raci.consulted, &node.raci.informed})
        roles.insert(letter->begin(), letter->end());
    reg.roles.assign(roles.begin(), roles.end());
  }
  std::vector<Register> out;
  for (auto& [id, reg] : by_id) out.push_back(std::move(reg));
  return out;
}

std::optional<Register> find_register(Store& store, Runtime& runtime, const std::string& id) {
  for (auto& reg : registers(store, runtime))
    if (reg.id() == id) return reg;
  return std::nullopt;
}

bool may_read(const Person& person, const Register& reg) { return reads_all(person) || holds_any_role(person, reg.roles); }

json value_at(const json& variables, const std::string& path) {
  const json* at = &variables;
  std::size_t from = 0;
  while (true) {
    std::size_t dot = path.find('.', from);
    std::string part = path.substr(from, dot == std::string::npos ? std::string::npos : dot - from);
    if (!at->is_object() || !at->contains(part)) return nullptr;
    at = &(*at)[part];
    if (dot == std::string::npos) return *at;
    from = dot + 1;
  }
}

std::string cell_text(const json& value, const std::string& type, const Organisation* organisation, const std::string& language) {
  if (value.is_null()) return "";
  if (value.is_boolean()) return value.get<bool>() ? (language == "da" ? "ja" : "yes") : (language == "da" ? "nej" : "no");
  if (value.is_number()) {
    double v = value.get<double>();
    if (std::floor(v) == v && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    return value.dump();
  }
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) out += (out.empty() ? "" : ", ") + cell_text(item, type, organisation, language);
    return out;
  }
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    if (type == "role" && organisation)
      if (const OrgRole* role = organisation->find_role(text); role && !role->name.empty()) return role->name;
    return text;
  }
  return value.dump();
}

std::vector<RegisterEntry> register_entries(Store& store, const Register& reg, definitions::TimePoint now) {
  std::vector<EntryVersion> versions;
  for (std::size_t p = 0; p < reg.processes.size(); ++p) {
    for (auto& row : store.cases("", reg.processes[p])) {
      EntryVersion v;
      v.process_name = reg.process_names[p];
      if (auto snapshot = store.load_snapshot(row.id)) {
        v.variables = snapshot->variables;
        for (const auto& t : snapshot->tasks)
          if (t.live()) {
            v.open_steps.push_back(t.name.empty() ? t.node_id : t.name);
            v.overdue = v.overdue || (t.due && *t.due < now);
          }
      }
      v.row = std::move(row);
      versions.push_back(std::move(v));
    }
  }
  // Newest last within a key: by start time, then by the store's order.
  std::stable_sort(versions.begin(), versions.end(), [](const EntryVersion& a, const EntryVersion& b) {
    return std::tie(a.row.started_at, a.row.position) < std::tie(b.row.started_at, b.row.position);
  });
  std::map<std::string, RegisterEntry> by_key;
  for (auto& v : versions) {
    std::string key = v.row.key.empty() ? v.row.id : v.row.key;
    RegisterEntry& e = by_key[key];
    if (e.key.empty()) {
      e.key = key;
    } else {
      e.history.insert(e.history.begin(), std::move(e.current));
    }
    e.current = std::move(v);
  }
  std::optional<definitions::Duration> review;
  if (!reg.declaration.review.empty()) review = definitions::parse_duration(reg.declaration.review);
  std::vector<RegisterEntry> out;
  for (auto& [key, e] : by_key) {
    if (review && e.current.row.status == "completed")
      if (auto ended = definitions::parse_date_time(e.current.row.updated_at)) {
        auto due = review->after(*ended);
        e.review_due_at = definitions::format_date_time(due);
        e.review_due = due <= now;
      }
    out.push_back(std::move(e));
  }
  return out;
}

namespace {

std::optional<std::pair<int, int>> scored_cell(const definitions::RegisterHeatMap& map, const json& variables, const std::string& l,
                                               const std::string& i) {
  if (l.empty() || i.empty()) return std::nullopt;
  auto score = [&](const json& v) -> int {
    if (v.is_number_integer()) return v.get<int>();
    if (v.is_number() && std::floor(v.get<double>()) == v.get<double>()) return static_cast<int>(v.get<double>());
    return 0;
  };
  int li = score(value_at(variables, l)), im = score(value_at(variables, i));
  if (li < 1 || im < 1 || li > map.size || im > map.size) return std::nullopt;
  return std::pair{li, im};
}

}  // namespace

std::optional<std::pair<int, int>> heat_cell(const definitions::RegisterHeatMap& map, const json& variables, bool residual) {
  if (!residual) return scored_cell(map, variables, map.likelihood, map.impact);
  if (map.residual_likelihood.empty()) return std::nullopt;
  if (value_at(variables, map.residual_likelihood).is_null() && value_at(variables, map.residual_impact).is_null())
    return scored_cell(map, variables, map.likelihood, map.impact);
  return scored_cell(map, variables, map.residual_likelihood, map.residual_impact);
}

HeatMap heat_map(const Register& reg, const std::vector<RegisterEntry>& entries) {
  HeatMap out;
  const auto& map = reg.declaration.heat_map;
  out.size = map.size;
  if (!map.size) return out;
  const auto n = static_cast<std::size_t>(map.size);
  out.inherent.assign(n, std::vector<HeatCell>(n));
  out.residual.assign(n, std::vector<HeatCell>(n));
  for (const auto& e : entries) {
    const json& vars = e.current.variables;
    auto inherent = heat_cell(map, vars, false);
    if (!inherent) {
      ++out.unscored;
      continue;
    }
    auto& cell = out.inherent[inherent->first - 1][inherent->second - 1];
    ++cell.count;
    cell.keys.push_back(e.key);
    if (auto residual = heat_cell(map, vars, true)) {
      auto& r = out.residual[residual->first - 1][residual->second - 1];
      ++r.count;
      r.keys.push_back(e.key);
    }
    if (!map.above.empty() && value_at(vars, map.above) == json(true)) ++out.above_acceptance;
  }
  return out;
}

std::vector<RegisterState> register_states(Store& store, Runtime& runtime, definitions::TimePoint now, const Person* reader) {
  std::vector<RegisterState> out;
  for (const auto& reg : registers(store, runtime)) {
    if (reader && !may_read(*reader, reg)) continue;
    auto entries = register_entries(store, reg, now);
    RegisterState state;
    state.id = reg.id();
    state.name = reg.declaration.name.empty() ? reg.id() : reg.declaration.name;
    state.name_da = reg.declaration.name_da.empty() ? reg.id() : reg.declaration.name_da;
    state.entries = static_cast<int>(entries.size());
    const std::string& above = reg.declaration.heat_map.above;
    for (const auto& e : entries) {
      if (e.current.open()) {
        ++state.open;
        state.open_keys.push_back(e.key);
        if (e.current.overdue) state.overdue.push_back(e.key);
      }
      if (e.review_due) ++state.review_due;
      if (!above.empty() && value_at(e.current.variables, above) == json(true)) state.above_acceptance.push_back(e.key);
    }
    if (reg.has_heat_map()) state.heat_map = heat_map(reg, entries);
    out.push_back(std::move(state));
  }
  return out;
}

}  // namespace raciflow::runtime
