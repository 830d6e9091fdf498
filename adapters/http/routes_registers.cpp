// Routes: the ISMS's registers (docs/registers.md): the list, a register's entries (a page,
// filtered and sorted), its heat map, an entry with its history and trail, and exports. A
// register is read by the admin, the auditors and the roles that take part in a flow that
// keeps it; to anyone else it does not exist (404), and the attempt is in the trail.
#include "adapters/http/api_internal.h"

#include "adapters/render/register_render.h"
#include "runtime/registers.h"
#include "runtime/soa.h"

namespace raciflow::http {

namespace {

// The entries `call` asks for, in its order: ?status, ?q (text in the key or any cell),
// ?cell (inherent-L-I or residual-L-I: the entries in a heat map cell), ?sort (key,
// status, updated or a column's variable), ?order (asc, desc).
std::vector<runtime::RegisterEntry> chosen(Call& call, const runtime::Register& reg, std::vector<runtime::RegisterEntry> entries,
                                           const runtime::Organisation* org, const std::string& lang) {
  static const std::set<std::string> statuses = {"", "active", "completed", "terminated", "cancelled", "incident"};
  std::string status = call.query["status"], q = call.query["q"], cell = call.query["cell"];
  std::string sort = call.query.count("sort") ? call.query["sort"] : "key", order = call.query.count("order") ? call.query["order"] : "asc";
  if (!statuses.count(status)) malformed("unknown status '" + status + "' (active, completed, terminated, cancelled, incident)");
  if (order != "asc" && order != "desc") malformed("order is asc or desc");
  if (q.size() > 200) malformed("q is at most 200 characters");
  const auto& columns = reg.declaration.columns;
  const definitions::RegisterColumn* by = nullptr;
  for (const auto& c : columns)
    if (c.variable == sort) by = &c;
  if (!by && sort != "key" && sort != "status" && sort != "updated")
    malformed("unknown sort '" + sort + "' (key, status, updated or a column's variable)");
  std::optional<std::pair<int, int>> in_cell;
  bool residual = false;
  if (!cell.empty()) {
    static const std::regex kCell("(inherent|residual)-([0-9]{1,2})-([0-9]{1,2})");
    std::smatch m;
    if (!reg.has_heat_map()) malformed("register '" + reg.id() + "' has no heat map");
    if (!std::regex_match(cell, m, kCell)) malformed("cell is inherent-L-I or residual-L-I, such as inherent-3-4");
    residual = m[1] == "residual";
    in_cell = std::pair{std::stoi(m[2]), std::stoi(m[3])};
  }
  auto lower = [](std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  std::string needle = lower(q);
  std::vector<runtime::RegisterEntry> out;
  for (auto& e : entries) {
    if (!status.empty() && e.current.row.status != status) continue;
    if (in_cell) {
      if (runtime::heat_cell(reg.declaration.heat_map, e.current.variables, residual) != in_cell) continue;
    }
    if (!needle.empty()) {
      bool found = lower(e.key).find(needle) != std::string::npos;
      for (const auto& c : columns)
        found = found || lower(runtime::cell_text(runtime::value_at(e.current.variables, c.variable), c.type, org, lang)).find(needle) !=
                             std::string::npos;
      if (!found) continue;
    }
    out.push_back(std::move(e));
  }
  auto sort_value = [&](const runtime::RegisterEntry& e) -> json {
    if (sort == "status") return e.current.row.status;
    if (sort == "updated") return e.current.row.updated_at;
    if (by) return runtime::value_at(e.current.variables, by->variable);
    return e.key;
  };
  std::stable_sort(out.begin(), out.end(), [&](const runtime::RegisterEntry& a, const runtime::RegisterEntry& b) {
    json x = sort_value(a), y = sort_value(b);
    // Nulls last either way; numbers by value; the rest as text.
    if (x.is_null() != y.is_null()) return y.is_null();
    bool less = x.is_number() && y.is_number() ? x.get<double>() < y.get<double>()
                                              : runtime::cell_text(x, "text", nullptr) < runtime::cell_text(y, "text", nullptr);
    bool more = x.is_number() && y.is_number() ? y.get<double>() < x.get<double>()
                                              : runtime::cell_text(y, "text", nullptr) < runtime::cell_text(x, "text", nullptr);
    return order == "asc" ? less : more;
  });
  return out;
}

}  // namespace

void Api::Impl::routes_registers() {
  // The register the call names, when the caller may read it; nullopt otherwise (the
  // caller then gets 404, whether it exists or not).
  auto readable = [](Context& c, Call& call) -> std::optional<runtime::Register> {
    auto reg = runtime::find_register(c.store, c.runtime, call.params.at("register"));
    if (!reg || !runtime::may_read(call.caller->person, *reg)) return std::nullopt;
    return reg;
  };
  auto unseen = [this](Call& call) -> HttpResponse {
    record_refusal(call.me(), call.request, "register '" + call.params.at("register") + "' is not one the caller can read");
    throw ApiError{404, "not_found", "no register '" + call.params.at("register") + "'", true};
  };
  add("GET", "/api/registers", Access::person, [this](Call& call) {
    return json_response(200, service.read([&](Context& c) {
      json out = json::array();
      for (const auto& reg : runtime::registers(c.store, c.runtime)) {
        if (!runtime::may_read(call.caller->person, reg)) continue;
        out.push_back(render::register_json(reg, runtime::register_entries(c.store, reg, c.now)));
      }
      return out;
    }));
  });
  add("GET", "/api/registers/{register}", Access::person, [this, readable, unseen](Call& call) {
    Page page = page_of(call);
    std::string lang = language_of(call);
    auto answer = service.read([&](Context& c) -> std::optional<std::pair<json, std::optional<std::string>>> {
      auto reg = readable(c, call);
      if (!reg) return std::nullopt;
      auto org = c.store.organisation();
      const runtime::Organisation* o = org ? &*org : nullptr;
      auto entries = chosen(call, *reg, runtime::register_entries(c.store, *reg, c.now), o, lang);
      const auto from = static_cast<std::size_t>(page.after_number());
      json items = json::array();
      for (std::size_t i = from; i < entries.size() && items.size() < static_cast<std::size_t>(page.limit); ++i)
        items.push_back(render::entry_json(*reg, entries[i], o, lang));
      std::optional<std::string> next;
      if (from + items.size() < entries.size()) next = std::to_string(from + items.size());
      return std::pair{items, next};
    });
    if (!answer) return unseen(call);
    return page_response(call, answer->first, answer->second);
  });
  add("GET", "/api/registers/{register}/heatmap", Access::person, [this, readable, unseen](Call& call) {
    auto answer = service.read([&](Context& c) -> std::optional<json> {
      auto reg = readable(c, call);
      if (!reg) return std::nullopt;
      if (!reg->has_heat_map()) not_found("register '" + reg->id() + "' has no heat map");
      return render::heat_map_json(runtime::heat_map(*reg, runtime::register_entries(c.store, *reg, c.now)));
    });
    if (!answer) return unseen(call);
    return json_response(200, *answer);
  });
  add("GET", "/api/registers/{register}/entries/{key}", Access::person, [this, readable, unseen](Call& call) {
    std::string lang = language_of(call);
    auto answer = service.read([&](Context& c) -> std::optional<json> {
      auto reg = readable(c, call);
      if (!reg) return std::nullopt;
      auto org = c.store.organisation();
      for (const auto& e : runtime::register_entries(c.store, *reg, c.now)) {
        if (e.key != call.params.at("key")) continue;
        json out = render::entry_history_json(*reg, e, org ? &*org : nullptr, lang);
        // The trail of every version: who changed the entry, in which role, under which letter.
        json trail = json::array();
        std::vector<const runtime::EntryVersion*> versions{&e.current};
        for (const auto& v : e.history) versions.push_back(&v);
        for (auto it = versions.rbegin(); it != versions.rend(); ++it)
          c.store.scan_records((*it)->row.id, [&](const runtime::AuditRecord& r) { trail.push_back(render::audit_json(r)); });
        out["trail"] = trail;
        return out;
      }
      not_found("register '" + reg->id() + "' has no entry '" + call.params.at("key") + "'");
    });
    if (!answer) return unseen(call);
    return json_response(200, *answer);
  });
  // The Statement of Applicability, as version ?version=N (default: the latest approved),
  // to those who may read the register `soa`.
  add("GET", "/api/soa", Access::person, [this](Call& call) {
    int version = 0;
    if (call.query.count("version")) {
      static const std::regex kVersion("[1-9][0-9]{0,5}");
      if (!std::regex_match(call.query["version"], kVersion)) malformed("version must be a version number such as 2");
      version = std::stoi(call.query["version"]);
    }
    auto answer = service.read([&](Context& c) -> std::optional<json> {
      auto reg = runtime::find_register(c.store, c.runtime, runtime::kSoaRegister);
      if (!reg || !runtime::may_read(call.caller->person, *reg)) return std::nullopt;
      return render::soa_json(runtime::build_soa(c.store, c.runtime, c.now, version));
    });
    if (!answer) {
      record_refusal(call.me(), call.request, "the Statement of Applicability is not one the caller can read");
      throw ApiError{404, "not_found", "no Statement of Applicability", true};
    }
    return json_response(200, *answer);
  });
  add("GET", "/api/registers/{register}/export", Access::person, [this, readable, unseen](Call& call) {
    std::string lang = language_of(call);
    std::string format = call.query.count("format") ? call.query["format"] : "csv";
    if (format != "csv" && format != "xlsx") malformed("unknown format '" + format + "' (csv, xlsx)");
    auto answer = service.read([&](Context& c) -> std::optional<std::pair<std::string, std::string>> {
      auto reg = readable(c, call);
      if (!reg) return std::nullopt;
      auto org = c.store.organisation();
      auto entries = runtime::register_entries(c.store, *reg, c.now);
      render::RegisterSheet sheet{&*reg, render::register_table(*reg, entries, org ? &*org : nullptr, lang), {}};
      if (reg->has_heat_map()) sheet.heat_map = runtime::heat_map(*reg, entries);
      if (format == "csv") return std::pair{std::string("text/csv; charset=utf-8"), render::register_csv(sheet.table)};
      return std::pair{std::string("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                       render::registers_xlsx({sheet}, lang)};
    });
    if (!answer) return unseen(call);
    HttpResponse response = text_response(answer->first, answer->second);
    response.headers.emplace_back("Content-Disposition",
                                  "attachment; filename=\"" + call.params.at("register") + "." + format + "\"");
    return response;
  });
}

}  // namespace raciflow::http
