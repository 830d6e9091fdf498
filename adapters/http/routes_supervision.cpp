// Routes: the audit trail, its verification, the outbox, supervised organisations.
#include "adapters/http/api_internal.h"

namespace raciflow::http {

void Api::Impl::routes_supervision() {
  add("GET", "/api/audit", Access::reader, [this](Call& call) {
    std::string format = call.query.count("format") ? call.query["format"] : "json";
    if (format != "json" && format != "csv") malformed("unknown format '" + format + "' (json, csv)");
    Page page = page_of(call);
    return service.read([&](Context& c) {
      auto records = c.store.records_page("", page.after_number(), page.limit);
      std::optional<std::string> next;
      if (static_cast<int>(records.size()) == page.limit) next = std::to_string(records.back().seq);
      if (format == "csv") {
        HttpResponse r = text_response("text/csv; charset=utf-8", render::audit_csv(records));
        if (next) r.headers = page_response(call, json::array(), next).headers;
        return r;
      }
      json out = json::array();
      for (const auto& r : records) out.push_back(render::audit_json(r));
      return page_response(call, out, next);
    });
  });
  add("GET", "/api/audit/verify", Access::reader, [this](Call&) {
    return json_response(200, service.read([&](Context& c) {
      auto report = c.runtime.verify();
      return json{{"ok", report.ok()}, {"records", report.records}, {"cases", report.cases}, {"problems", report.problems}};
    }));
  });
  // Supervision: a supervising organisation's admins and auditors read the organisations
  // it supervises, through their own server's address.
  add("GET", "/api/supervised", Access::reader, [this](Call&) {
    auto granted = service.read([](Context& c) { return c.store.supervised(); });
    json list = json::array();
    for (const auto& id : granted)
      if (options.other && options.other(id)) list.push_back({{"tenant", id}});
    return json_response(200, list);
  });
  for (std::string read : kSupervisedReads)
    add("GET", "/api/supervised/{tenant}" + read, Access::reader, [this, read](Call& call) {
      std::string inner = "/api" + read;
      if (auto at = inner.find("{id}"); at != std::string::npos) inner.replace(at, 4, percent_encode(call.params.at("id")));
      return supervised_read(call, inner);
    });
  add("GET", "/api/outbox", Access::reader, [this](Call& call) {
    std::string status = call.query["status"];
    if (status != "" && status != "pending" && status != "delivered" && status != "failed") malformed("status is pending, delivered or failed");
    Page page = page_of(call);
    auto [items, next] = service.read([&](Context& c) {
      json out = json::array();
      auto page_items = c.store.outbox(status, page.after_number(), page.limit);
      for (const auto& i : page_items) out.push_back(render::outbox_json(i));
      std::optional<std::string> next;
      if (static_cast<int>(page_items.size()) == page.limit) next = std::to_string(page_items.back().id);
      return std::make_pair(out, next);
    });
    return page_response(call, items, next);
  });
}

}  // namespace raciflow::http
