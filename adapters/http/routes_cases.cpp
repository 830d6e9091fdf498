// Routes: cases: list, start, read, diagram, trail, cancel, retry.
#include "adapters/http/api_internal.h"

namespace raciflow::http {

void Api::Impl::routes_cases() {
  add("GET", "/api/cases", Access::person, [this](Call& call) {
    static const std::set<std::string> statuses = {"", "active", "completed", "terminated", "cancelled", "incident"};
    std::string status = call.query["status"], process = call.query["process"], role = call.query["role"];
    std::string late = call.query["overdue"];
    if (!statuses.count(status)) malformed("unknown status '" + status + "' (active, completed, terminated, cancelled, incident)");
    if (!late.empty() && late != "true" && late != "false") malformed("overdue is true or false");
    Page page = page_of(call);
    auto [items, next] = service.read([&](Context& c) {
      std::map<std::string, std::string> names;
      for (const auto& d : c.store.latest_definitions()) names[d.process] = d.name;
      json out = json::array();
      auto next = fill_page<runtime::CaseRow>(
          page, [&](const std::string& after, int limit) { return c.store.cases(status, process, cursor_number(after), limit); },
          [](const runtime::CaseRow& row) { return std::to_string(row.position); },
          [&](const runtime::CaseRow& row) {
            auto tasks = c.store.tasks({row.id, true});
            if (!runtime::sees_case(call.caller->person, row, tasks)) return false;
            if (!role.empty() && std::none_of(tasks.begin(), tasks.end(), [&](const runtime::TaskRow& t) {
                  return std::find(t.task.responsible.begin(), t.task.responsible.end(), role) != t.task.responsible.end();
                }))
              return false;
            json summary = case_summary(row, tasks, names[row.process], c.now);
            if (late == "true" && !summary["overdue"].get<bool>()) return false;
            if (late == "false" && summary["overdue"].get<bool>()) return false;
            out.push_back(summary);
            return true;
          });
      return std::make_pair(out, next);
    });
    return page_response(call, items, next);
  });
  add("POST", "/api/cases", Access::person, [this](Call& call) {
    Body body(call.request, {"process", "variables", "key"});
    std::string process = body.text("process", true), key = body.text("key", false);
    json variables = body.object("variables");
    auto id = service.write([&](Context& c) {
      if (!c.store.latest_definition(process)) not_found("no deployed process '" + process + "'");
      return c.runtime.start(process, call.me(), variables, key);
    });
    return json_response(201, {{"id", id}});
  });
  add("GET", "/api/cases/{id}", Access::person, [this](Call& call) {
    return json_response(200, service.read([&](Context& c) {
      auto row = load_case(c, call);
      auto view = c.runtime.show(row.id);
      auto tasks = c.store.tasks({row.id, true});
      json j = render::case_json(view, tasks);
      json list = json::array();
      for (const auto& t : tasks) list.push_back(task_view(c, t, runtime::inbox_reason(t.task, call.caller->person.roles, call.me(), call.caller->principals())));
      j["tasks"] = list;
      auto d = c.store.definition(row.process, row.version);
      j["process_name"] = d ? d->name : row.process;
      j["children"] = json::array();
      for (const auto& child : c.store.children(row.id)) j["children"].push_back(render::case_row_json(child));
      return j;
    }));
  });
  add("GET", "/api/cases/{id}/diagram", Access::person, [this](Call& call) {
    // ?format=json: the marks alone, for the web app's own renderer (bpmn-js) over the
    // process version's XML.
    std::string format = call.query.count("format") ? call.query["format"] : "svg";
    if (format != "svg" && format != "json") malformed("format must be svg or json");
    auto answer = service.read([&](Context& c) {
      auto row = load_case(c, call);
      auto view = c.runtime.show(row.id);
      render::DiagramMarks marks;
      c.store.scan_records(row.id, [&](const runtime::AuditRecord& r) {
        for (const auto& e : runtime::events_of(r))
          if (e.kind == engine::EventKind::node_entered && !e.node.empty()) marks.done.insert(e.node);
      });
      for (const auto& n : view.active_nodes) {
        marks.active.insert(n);
        marks.done.erase(n);
      }
      for (const auto& t : c.store.tasks({row.id, false}))
        if (overdue(t.task, c.now)) marks.overdue.insert(t.task.node_id);
      if (!view.incident_node.empty()) marks.incident.insert(view.incident_node);
      if (format == "json")
        return json{{"process", row.process}, {"version", row.version}, {"done", marks.done}, {"active", marks.active},
                    {"overdue", marks.overdue}, {"incident", marks.incident}}
            .dump();
      auto s = stored(c, row.process, row.version);
      return render::process_svg(s.version.source, s.definitions, s.version.process, marks);
    });
    return format == "json" ? text_response("application/json", answer) : text_response("image/svg+xml", answer);
  });
  add("GET", "/api/cases/{id}/audit", Access::person, [this](Call& call) {
    std::string format = call.query.count("format") ? call.query["format"] : "json";
    if (format != "json" && format != "csv") malformed("unknown format '" + format + "' (json, csv)");
    Page page = page_of(call);
    return service.read([&](Context& c) {
      auto row = load_case(c, call);
      if (format == "csv") return case_trail_export(row.id, c.store.chain_head(row.id).value_or(runtime::ChainHead{}).seq);
      auto records = c.store.records_page(row.id, page.after_number(), page.limit + 1);
      json out = json::array();
      std::optional<std::string> next;
      for (const auto& r : records) {
        if (static_cast<int>(out.size()) == page.limit) {
          next = std::to_string(out.back()["seq"].get<std::int64_t>());
          break;
        }
        out.push_back(render::audit_json(r));
      }
      return page_response(call, out, next);
    });
  });
  add("POST", "/api/cases/{id}/cancel", Access::admin, [this](Call& call) {
    Body body(call.request, {"reason"});
    std::string reason = body.text("reason", true);
    service.write([&](Context& c) {
      auto row = load_case(c, call);
      if (row.status != "active" && row.status != "incident") conflict("case " + row.id + " is already " + row.status);
      c.runtime.cancel(row.id, call.me(), reason);
      return 0;
    });
    return json_response(200, {{"id", call.params["id"]}, {"status", "cancelled"}});
  });
  add("POST", "/api/cases/{id}/retry", Access::admin, [this](Call& call) {
    Body body(call.request, {"variables"});
    json variables = body.object("variables");
    auto status = service.write([&](Context& c) {
      auto row = load_case(c, call);
      if (row.status != "incident") conflict("case " + row.id + " has no incident (it is " + row.status + ")");
      c.runtime.retry(row.id, call.me(), variables);
      return c.store.find_case(row.id)->status;
    });
    return json_response(200, {{"id", call.params["id"]}, {"status", status}});
  });
}

}  // namespace raciflow::http
