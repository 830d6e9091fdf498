// Routes: tasks: inboxes, claim, unclaim, complete, consult, waive.
#include "adapters/http/api_internal.h"

namespace raciflow::http {

void Api::Impl::routes_tasks() {
  add("GET", "/api/tasks", Access::person, [this](Call& call) {
    std::string case_id = call.query["case"], scope = call.query["scope"];
    bool all = call.query["all"] == "true";
    if (!scope.empty() && scope != "mine" && scope != "all") malformed("scope is mine or all");
    if (scope == "all" && !call.caller->reads_all()) forbidden("scope=all needs admin or auditor access");
    Page page = page_of(call);
    auto [items, next] = service.read([&](Context& c) {
      if (!case_id.empty()) {
        call.params["id"] = case_id;
        load_case(c, call);
      }
      // The caller's own inbox of live tasks comes from the inbox index; the rest (a case's
      // tasks, everyone's, closed ones) from the task list.
      bool inbox = scope != "all" && case_id.empty() && !all;
      auto names = runtime::process_names(c.store);
      json out = json::array();
      auto next = fill_page<runtime::TaskRow>(
          page,
          [&](const std::string& after, int limit) {
            runtime::TaskFilter f{case_id, all};
            f.inbox = inbox;
            f.roles = call.caller->person.roles;
            f.person = call.me();
            f.claimed_by = call.caller->principals();
            f.after = cursor_number(after);
            f.limit = limit;
            return c.store.tasks(f);
          },
          [](const runtime::TaskRow& t) { return std::to_string(t.id); },
          [&](const runtime::TaskRow& t) {
            std::string why = runtime::inbox_reason(t.task, call.caller->person.roles, call.me(), call.caller->principals());
            bool mine = !why.empty() || t.task.completed_by == call.me();
            if (scope != "all" && case_id.empty() && !mine) return false;
            json j = task_view(c, t, why);
            j["process_name"] = names.count(t.process) ? names[t.process] : t.process;
            out.push_back(std::move(j));
            return true;
          });
      return std::make_pair(out, next);
    });
    return page_response(call, items, next);
  });
  add("GET", "/api/tasks/{id}", Access::person, [this](Call& call) {
    auto id = task_number(call);
    return json_response(200, service.read([&](Context& c) {
      auto t = load_task(c, id);
      if (!runtime::visible_case(c.store, call.caller->person, t.case_id)) not_found("no task " + std::to_string(id));
      json j = task_view(c, t, runtime::inbox_reason(t.task, call.caller->person.roles, call.me(), call.caller->principals()));
      auto s = stored(c, t.process, t.version);
      json fields = json::array();
      const definitions::FlowNode* node = s.process().find_node(t.task.node_id);
      for (const auto& f : c.runtime.form_of(t.process, t.version, t.task.node_id)) {
        json answers = json::object();
        for (const auto& [value, label] : f.answers) answers[value] = label;
        fields.push_back({{"name", f.name}, {"type", f.type}, {"options", f.options}, {"used_in", f.used_in}, {"label", f.label},
                          {"answers", answers}});
      }
      j["fields"] = fields;
      // The form-js form the step shows, as deployed with its version of the process.
      if (auto form = c.runtime.step_form(t.process, t.version, t.task.node_id)) {
        j["form"] = json::parse(form->source, nullptr, false);
        j["form_version"] = form->version;
      } else {
        j["form"] = nullptr;
      }
      // What its completion recorded: the variables as submitted (the case view shows a
      // completed step's form filled in with them).
      if (t.task.status == engine::TaskStatus::completed) {
        json submitted = json::object();
        c.store.scan_records(t.case_id, [&](const runtime::AuditRecord& r) {
          if (r.action != "task_completed" || r.node != t.task.node_id) return;
          auto data = json::parse(r.data, nullptr, false);
          if (data.is_object() && data.value("task", 0) == t.local_id) submitted = data.value("variables", json::object());
        });
        j["submitted"] = submitted;
      }
      j["documentation"] = node ? node->documentation : "";
      j["iso"] = node ? node->iso : std::vector<std::string>{};
      j["gap"] = node && node->gap ? json{{"text", node->gap->text}, {"when", node->gap->when_text}} : json(nullptr);
      j["consult"] = node && node->raci.consult == definitions::ConsultPolicy::before ? "before" : "alongside";
      j["process_name"] = s.version.name;
      j["variables"] = c.runtime.show(t.case_id).state.variables;
      return j;
    }));
  });
  auto task_command = [this](const std::string& what, std::set<std::string> fields,
                             std::function<void(Context&, const Call&, std::int64_t, const Body&)> run) {
    add("POST", "/api/tasks/{id}/" + what, Access::person, [this, what, fields, run](Call& call) {
      auto id = task_number(call);
      Body body(call.request, fields);
      // The answer is the task as the command left it, read in the command's own
      // transaction: no second trip to a reader.
      return json_response(200, service.write([&](Context& c) {
        auto t = load_task(c, id);
        check_task(c, call, t, what);
        run(c, call, id, body);
        return task_view(c, load_task(c, id), "");
      }));
    });
  };
  task_command("claim", {}, [](Context& c, const Call& call, std::int64_t id, const Body&) { c.runtime.claim(id, call.me()); });
  task_command("unclaim", {}, [](Context& c, const Call& call, std::int64_t id, const Body&) { c.runtime.unclaim(id, call.me()); });
  task_command("complete", {"variables", "comment"}, [](Context& c, const Call& call, std::int64_t id, const Body& body) {
    json variables = body.object("variables");
    std::string comment = body.text("comment", false);
    if (!comment.empty()) variables["comment"] = comment;
    // The runtime refuses what the step's form needs and is missing, as for the CLI.
    c.runtime.complete(id, call.me(), variables);
  });
  task_command("consult", {"answer"}, [](Context& c, const Call& call, std::int64_t id, const Body& body) {
    std::string answer = body.text("answer", true);
    if (answer.empty()) malformed("the field 'answer' is empty");
    c.runtime.consult(id, call.me(), answer);
  });
  task_command("waive", {"reason"}, [](Context& c, const Call& call, std::int64_t id, const Body& body) {
    std::string reason = body.text("reason", true);
    if (reason.empty()) malformed("the field 'reason' is empty");
    c.runtime.waive(id, call.me(), reason);
  });
}

}  // namespace raciflow::http
