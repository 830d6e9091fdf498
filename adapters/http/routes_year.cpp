// Routes: the ISMS year: wheel, plan, agenda, evidence, report.
#include "adapters/http/api_internal.h"

#include "runtime/soa.h"

namespace raciflow::http {

void Api::Impl::routes_year() {
  auto year_of = [](Call& call, definitions::TimePoint now) {
    static const std::regex four_digits("[12][0-9]{3}");
    if (!call.query.count("year")) return static_cast<int>(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)}.year());
    if (!std::regex_match(call.query["year"], four_digits)) malformed("year must be a year such as 2026");
    return std::stoi(call.query["year"]);
  };
  auto format_of = [](Call& call, std::initializer_list<const char*> allowed) {
    std::string format = call.query.count("format") ? call.query["format"] : *allowed.begin();
    std::string list;
    for (const char* a : allowed) {
      if (format == a) return format;
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    malformed("unknown format '" + format + "' (" + list + ")");
  };
  add("GET", "/api/wheel", Access::person, [this, year_of, format_of](Call& call) {
    std::string format = format_of(call, {"json", "svg"});
    return service.read([&](Context& c) {
      if (!c.store.wheel()) not_found("no wheel is loaded");
      int year = year_of(call, c.now);
      auto entries = c.runtime.wheel_year(year);
      auto plan = c.store.plan_items();
      if (format == "svg") {
        std::map<std::string, std::string> names;
        if (auto org = c.store.organisation())
          for (const auto& r : org->roles) names[r.id] = r.name.empty() ? r.id : r.name;
        return text_response("image/svg+xml", render::wheel_svg(year, entries, plan, definitions::format_date_time(c.now), names));
      }
      return json_response(200, render::wheel_json(year, entries, plan));
    });
  });
  add("PUT", "/api/wheel", Access::admin, [this](Call& call) {
    Body body(call.request, {"name", "xml"});
    std::string name = body.text("name", false), xml = body.text("xml", true);
    if (name.empty()) name = "annual-wheel.xml";
    auto loaded = service.write([&](Context& c) { return c.runtime.load_wheel_text(name, xml, call.me()); });
    json deployed = json::array();
    for (const auto& d : loaded.deployed) deployed.push_back({{"process", d.process}, {"version", d.version}, {"new", d.is_new}});
    return json_response(200, {{"activities", loaded.activities}, {"plan_items_changed", loaded.plan_items}, {"deployed", deployed}});
  });
  add("GET", "/api/plan", Access::person, [this](Call&) {
    return json_response(200, service.read([&](Context& c) {
      json out = json::array();
      for (const auto& p : c.store.plan_items()) out.push_back(runtime::to_json(p));
      return out;
    }));
  });
  add("PUT", "/api/plan/{id}", Access::person, [this](Call& call) {
    static const char* const kFields[] = {"name", "responsible", "start", "deadline", "risk", "case", "status", "note"};
    Body body(call.request, std::set<std::string>(std::begin(kFields), std::end(kFields)));
    std::string id = call.params["id"];
    auto saved = service.write([&](Context& c) {
      auto existing = c.store.plan_item(id);
      // The admin plans; the person responsible for an item may report on it.
      if (!call.caller->admin() && !(existing && existing->responsible == call.me()))
        forbidden("only the admin or the person responsible changes plan item '" + id + "'");
      definitions::PlanItem item = existing.value_or(definitions::PlanItem{});
      item.id = id;
      std::map<std::string, std::string*> fields{{"name", &item.name},         {"responsible", &item.responsible}, {"start", &item.start},
                                                 {"deadline", &item.deadline}, {"risk", &item.risk},               {"case", &item.case_id},
                                                 {"status", &item.status},     {"note", &item.note}};
      for (auto& [field, target] : fields)
        if (body.has(field)) *target = body.text(field, false);
      if (!call.caller->admin() && item.responsible != existing->responsible)
        forbidden("only the admin hands a plan item to someone else");
      return c.runtime.put_plan_item(item, call.me());
    });
    return json_response(200, runtime::to_json(saved));
  });
  add("GET", "/api/agenda", Access::person, [this, format_of](Call& call) {
    std::string format = format_of(call, {"json", "markdown", "html"});
    std::string lang = language_of(call);
    std::string since;
    if (call.query.count("since")) {
      auto t = definitions::parse_date_time(call.query["since"]);
      if (!t) malformed("since must be an ISO 8601 date or date-time");
      since = definitions::format_date_time(*t);
    }
    return service.read([&](Context& c) {
      if (since.empty()) since = runtime::last_meeting(c.store, c.runtime);
      if (since.empty()) since = "1970-01-01T00:00:00Z";
      auto agenda = runtime::build_agenda(c.store, c.runtime, since);
      agenda.generated_at = definitions::format_date_time(c.now);
      agenda.registers = runtime::register_states(c.store, c.runtime, c.now, &call.caller->person);
      // Each person sees on it only the cases they may see.
      if (!call.caller->reads_all())
        for (auto& section : agenda.sections)
          std::erase_if(section.cases,
                        [&](const runtime::AgendaCase& a) { return !runtime::visible_case(c.store, call.caller->person, a.id); });
      if (format == "markdown") return text_response("text/markdown; charset=utf-8", render::agenda_markdown(agenda, lang));
      if (format == "html") return text_response("text/html; charset=utf-8", render::agenda_html(agenda, lang));
      return json_response(200, render::agenda_json(agenda));
    });
  });
  add("GET", "/api/evidence", Access::reader, [this, format_of](Call& call) {
    std::string format = format_of(call, {"json", "markdown"});
    return service.read([&](Context& c) {
      auto evidence = runtime::build_evidence(c.store, c.runtime, c.now);
      if (format == "markdown") return text_response("text/markdown; charset=utf-8", render::evidence_markdown(evidence));
      return json_response(200, render::evidence_json(evidence));
    });
  });
  add("GET", "/api/report", Access::reader, [this, year_of, format_of](Call& call) {
    std::string format = format_of(call, {"json", "markdown", "html"});
    std::string lang = language_of(call);
    return service.read([&](Context& c) {
      auto report = runtime::build_report(c.store, c.runtime, year_of(call, c.now), c.now);
      runtime::add_soa_changes(report, c.store, c.runtime, c.now);
      if (format == "markdown") return text_response("text/markdown; charset=utf-8", render::report_markdown(report, lang));
      if (format == "html") return text_response("text/html; charset=utf-8", render::report_html(report, lang));
      return json_response(200, render::report_json(report));
    });
  });
}

}  // namespace raciflow::http
