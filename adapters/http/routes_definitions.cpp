// Routes: definitions and the Model screen: deploy, validate, templates, versions, changes, diagrams.
#include "adapters/http/api_internal.h"

#include "definitions/dmn.h"

namespace raciflow::http {

namespace {

// The files sent with a definition, as (file, text): the form-js forms ('forms': file name
// -> the form's JSON, as text or as the object itself) and the DMN decision models
// ('decisions': file name -> the DMN XML).
std::vector<std::pair<std::string, std::string>> files_of(const Body& body) {
  std::vector<std::pair<std::string, std::string>> out;
  auto read = [&](const char* field, const std::string& ending, std::size_t most, bool objects) {
    json files = body.object(field);
    if (files.size() > most) malformed("at most " + std::to_string(most) + " " + field + " in one deployment");
    for (const auto& [file, content] : files.items()) {
      if (file.find('/') != std::string::npos || file.size() > 200 || file.size() <= ending.size() ||
          file.compare(file.size() - ending.size(), ending.size(), ending) != 0)
        malformed(std::string("each key of '") + field + "' is a file name ending in " + ending + ", without folders");
      if (!content.is_string() && !(objects && content.is_object()))
        malformed(std::string(field) + "['" + file + "'] is the file's " + (objects ? "JSON, as text or as an object" : "XML, as text"));
      out.emplace_back(file, content.is_string() ? content.get<std::string>() : content.dump(2));
    }
  };
  read("forms", ".form", 50, true);
  read("decisions", ".dmn", 20, false);
  return out;
}

// The first error of a file that does not load, as FILE:LINE: error: MESSAGE.
std::string first_error(const definitions::Diagnostics& d) {
  for (const auto& finding : d.all())
    if (finding.severity == definitions::Severity::error) return finding.format();
  return d.file() + ": error: does not load";
}

}  // namespace

void Api::Impl::routes_definitions() {
  add("GET", "/api/definitions", Access::person, [this](Call& call) {
    Page page = page_of(call, false);  // the cursor is a process id
    auto [items, next] = service.read([&](Context& c) {
      json out = json::array();
      std::optional<std::string> next;
      for (const auto& d : c.store.latest_definitions()) {
        if (!page.after.empty() && d.process <= page.after) continue;
        if (static_cast<int>(out.size()) == page.limit) {
          next = out.back()["process"].get<std::string>();
          break;
        }
        // How a case can start: plain start events and message start events (by name).
        json starts = json::array();
        auto s = parsed(d);
        for (const auto& n : s.process().nodes) {
          if (n.kind != definitions::NodeKind::start_event || n.parent >= 0) continue;
          if (n.trigger == definitions::EventTrigger::none) {
            starts.push_back({{"node", n.id}, {"name", n.name}, {"message", nullptr}});
          } else if (n.trigger == definitions::EventTrigger::message) {
            std::string message = n.message_ref;
            for (const auto& m : s.definitions.messages)
              if (m.id == n.message_ref && !m.name.empty()) message = m.name;
            starts.push_back({{"node", n.id}, {"name", n.name}, {"message", message}});
          }
        }
        out.push_back({{"process", d.process}, {"version", d.version}, {"name", d.name}, {"file", d.file},
                       {"deployed_at", d.deployed_at}, {"deployed_by", d.deployed_by}, {"starts", starts}});
      }
      return std::make_pair(out, next);
    });
    return page_response(call, items, next);
  });
  add("POST", "/api/validate", Access::modeller, [this](Call& call) {
    Body body(call.request, {"name", "xml", "forms", "decisions"});
    std::string name = body.text("name", false), xml = body.text("xml", true);
    if (name.empty()) name = "upload.bpmn";
    if (name.find('/') != std::string::npos || name.size() > 200) malformed("the field 'name' is a file name, without folders");
    auto forms = files_of(body);
    // A read: nothing is deployed; called processes and forms are looked up among those deployed.
    auto findings = service.read([&](Context& c) { return c.runtime.check_text(name, xml, forms); });
    // ?lang=da: each finding's `text` in Danish (its `message` stays English).
    auto lang = language_of(call) == "da" ? definitions::Language::da : definitions::Language::en;
    json list = json::array();
    for (const auto& d : findings.all()) list.push_back(render::finding_json(d, lang));
    // The RACI matrix of the first executable process, as `raciflow raci --format json`
    // prints it, when the file loads: the modeler shows it live.
    // And per user task, the variables the gateways after it read: the keys the Model
    // screen's form editor offers.
    json raci = nullptr, fields = json::object();
    definitions::Diagnostics loading(name);
    if (auto defs = definitions::load_text(xml, name, loading); defs && !loading.has_errors())
      for (const auto& p : defs->processes)
        if (p.executable && !p.nodes.empty()) {
          raci = json::parse(render::render_raci(definitions::raci_matrix(p), render::RaciFormat::json));
          for (const auto& n : p.nodes) {
            if (n.kind != definitions::NodeKind::user_task && n.kind != definitions::NodeKind::manual_task) continue;
            json list = json::array();
            for (const auto& f : definitions::form_fields(p, n.id)) {
              json answers = json::object();
              for (const auto& [value, label] : f.answers) answers[value] = label;
              list.push_back({{"name", f.name}, {"type", f.type}, {"options", f.options}, {"label", f.label}, {"answers", answers}});
            }
            if (!list.empty()) fields[n.id] = list;
          }
          break;
        }
    return json_response(200, {{"ok", !findings.has_errors()}, {"findings", list}, {"raci", raci}, {"fields", fields}});
  });
  // The samples' flows, to start a model from (GET the list, then one file).
  add("GET", "/api/templates", Access::modeller, [](Call&) {
    // The templates are compiled in: read once.
    static const json list = [] {
      json out = json::array();
      std::set<std::string> files;
      for (const WebAsset* t : flow_templates()) files.insert(t->name);
      for (const WebAsset* t : flow_templates()) {
        std::string name = t->name;
        if (name.size() < 5 || name.compare(name.size() - 5, 5, ".bpmn") != 0) continue;
        definitions::Diagnostics ignored(t->name);
        auto defs = definitions::load_text(std::string(t->data, t->size), t->name, ignored);
        if (!defs || defs->processes.empty()) continue;
        const auto& p = defs->processes.front();
        // The forms its steps show, as files beside it (GET /api/templates/ID.form).
        // And the decision models its business-rule tasks evaluate (GET /api/templates/ID.dmn).
        json forms = json::array(), decisions = json::array();
        for (const auto& n : p.nodes) {
          if (!n.form.empty() && files.count(n.form + ".form")) forms.push_back(n.form + ".form");
          if (n.called_decision && files.count(n.called_decision->decision + ".dmn")) decisions.push_back(n.called_decision->decision + ".dmn");
        }
        out.push_back({{"file", t->name}, {"process", p.id}, {"name", p.name.empty() ? p.id : p.name}, {"forms", forms},
                       {"decisions", decisions}});
      }
      return out;
    }();
    return json_response(200, list);
  });
  add("GET", "/api/templates/{file}", Access::modeller, [](Call& call) {
    for (const WebAsset* t : flow_templates())
      if (call.params.at("file") == t->name) {
        std::string name = t->name;
        bool form = name.size() > 5 && name.compare(name.size() - 5, 5, ".form") == 0;
        return text_response(form ? "application/json" : "application/xml", std::string(t->data, t->size));
      }
    not_found("no template '" + call.params.at("file") + "'");
  });
  // The deployed decision models, their latest versions, with the decisions in each.
  add("GET", "/api/decisions", Access::person, [this](Call&) {
    return json_response(200, service.read([&](Context& c) {
      json out = json::array();
      for (const auto& m : c.store.latest_decision_models()) {
        json decisions = json::array();
        definitions::Diagnostics ignored(m.file);
        if (auto model = definitions::load_dmn_text(m.source, m.file, ignored))
          for (const auto& d : model->decisions) decisions.push_back({{"id", d.id}, {"name", d.name}});
        out.push_back({{"model", m.id}, {"version", m.version}, {"name", m.name}, {"file", m.file}, {"deployed_at", m.deployed_at},
                       {"deployed_by", m.deployed_by}, {"decisions", decisions}});
      }
      return out;
    }));
  });
  // The DMN file of the latest deployed model that holds the decision (by id, else by name): what the
  // Model screen's decision table editor opens.
  add("GET", "/api/decisions/{decision}/xml", Access::person, [this](Call& call) {
    const std::string& decision = call.params.at("decision");
    return text_response("application/xml", service.read([&](Context& c) {
      auto holding = c.runtime.decision_model_holding(decision);
      if (!holding) not_found("no deployed decision '" + decision + "'");
      return holding->source;
    }));
  });
  // A deployed decision evaluated over the variables sent, as `raciflow decide` does: for
  // anyone who runs cases or models (an auditor's POST is refused before it gets here).
  add("POST", "/api/decisions/{decision}/evaluate", Access::person, [this](Call& call) {
    Body body(call.request, {"variables"});
    json variables = body.object("variables");
    auto answer = service.read([&](Context& c) { return c.runtime.decide(call.params.at("decision"), variables); });
    return json_response(200, {{"decision", answer.decision}, {"name", answer.name}, {"model", answer.model}, {"version", answer.version},
                               {"result", answer.result}, {"inputs", answer.inputs}, {"matched", answer.matched}});
  });
  // A deployed form-js form, the latest version or ?version=N: what the Model screen edits.
  add("GET", "/api/forms/{form}", Access::person, [this](Call& call) {
    const std::string& id = call.params.at("form");
    int version = 0;
    if (!call.query["version"].empty()) {
      static const std::regex digits("[1-9][0-9]{0,8}");
      if (!std::regex_match(call.query["version"], digits)) malformed("version must be a positive number");
      version = std::stoi(call.query["version"]);
    }
    return json_response(200, service.read([&](Context& c) {
      auto f = version ? c.store.form(id, version) : c.store.latest_form(id);
      if (!f) not_found("no deployed form '" + id + "'" + (version ? " in version " + std::to_string(version) : ""));
      return json{{"id", f->id}, {"version", f->version}, {"name", f->name}, {"file", f->file}, {"deployed_at", f->deployed_at},
                  {"deployed_by", f->deployed_by}, {"schema", json::parse(f->source, nullptr, false)}};
    }));
  });
  add("POST", "/api/definitions", Access::modeller, [this](Call& call) {
    Body body(call.request, {"name", "xml", "forms", "decisions"});
    std::string name = body.text("name", false), xml = body.text("xml", true);
    if (name.empty()) name = "upload.bpmn";
    if (name.find('/') != std::string::npos || name.size() > 200) malformed("the field 'name' is a file name, without folders");
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".form") == 0) malformed("the field 'name' names the definition; send forms in 'forms'");
    std::vector<std::string> names{name}, texts{xml};
    for (auto& [file, text] : files_of(body)) {
      names.push_back(file);
      texts.push_back(text);
    }
    auto deployed = service.write([&](Context& c) { return c.runtime.deploy_texts(names, texts, call.me()); });
    json out = json::array();
    for (const auto& d : deployed) {
      out.push_back({{d.form ? "form" : d.decisions ? "decision_model" : "process", d.process}, {"version", d.version}, {"new", d.is_new}});
      if (!d.form) out.back()["warnings"] = d.warnings;
    }
    return json_response(201, out);
  });
  auto definition = [](Call& call, Context& c) {
    std::optional<runtime::DefinitionVersion> d;
    if (call.query.count("version")) {
      static const std::regex digits("[1-9][0-9]{0,8}");
      if (!std::regex_match(call.query["version"], digits)) malformed("version must be a positive number");
      d = c.store.definition(call.params.at("process"), std::stoi(call.query["version"]));
    } else {
      d = c.store.latest_definition(call.params.at("process"));
    }
    if (!d) not_found("no deployed process '" + call.params.at("process") + "'");
    return *d;
  };
  add("GET", "/api/definitions/{process}", Access::person, [this, definition](Call& call) {
    return json_response(200, service.read([&](Context& c) {
      auto s = parsed(definition(call, c));
      const auto& d = s.version;
      const auto& p = s.process();
      json lanes = json::array(), steps = json::array();
      for (const auto& l : p.lanes) lanes.push_back({{"id", l.id}, {"role", l.role}, {"name", l.name}});
      for (const auto& n : p.nodes)
        steps.push_back({{"id", n.id}, {"name", n.name}, {"kind", definitions::element_name(n.kind)}, {"role", n.role},
                         {"iso", n.iso}});
      json versions = json::array();
      for (int v = 1; v <= d.version || c.store.definition(d.process, v); ++v)
        if (c.store.definition(d.process, v)) versions.push_back(v);
      return json{{"process", d.process}, {"version", d.version}, {"name", d.name}, {"file", d.file},
                  {"deployed_at", d.deployed_at}, {"deployed_by", d.deployed_by}, {"digest", d.digest},
                  {"versions", versions}, {"lanes", lanes}, {"steps", steps}};
    }));
  });
  add("GET", "/api/definitions/{process}/xml", Access::person, [this, definition](Call& call) {
    auto d = service.read([&](Context& c) { return definition(call, c); });
    // ?layout=missing: a file written by hand gets a drawing (raciflow layout) so that a
    // modeler can open it; one that has a drawing is sent as deployed.
    if (call.query.count("layout")) {
      if (call.query["layout"] != "missing") malformed("layout must be 'missing'");
      if (d.source.find("BPMNShape") == std::string::npos) {
        definitions::Diagnostics ignored(d.file);
        auto defs = definitions::load_text(d.source, d.file, ignored);
        try {
          if (defs) d.source = render::layout_bpmn(d.source, *defs);
        } catch (const std::runtime_error& e) {
          throw runtime::Refused("process '" + d.process + "' has no drawing and cannot be laid out: " + e.what());
        }
      }
    }
    // A download, never a document rendered on the app's origin (XML can carry script).
    std::string file = d.process + "-v" + std::to_string(d.version) + ".bpmn";
    for (char& ch : file)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_') ch = '_';
    HttpResponse r = text_response("application/xml", std::move(d.source));
    r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + file + "\""});
    return r;
  });
  add("GET", "/api/definitions/{process}/versions", Access::person, [this](Call& call) {
    return json_response(200, service.read([&](Context& c) {
      const std::string& process = call.params.at("process");
      if (!c.store.latest_definition(process)) not_found("no deployed process '" + process + "'");
      // Counted over the cases the caller sees, like the case list: no count tells of others.
      std::map<int, std::pair<int, int>> cases;  // version -> (active, all)
      for (const auto& row : c.store.cases("", process)) {
        if (!call.caller->reads_all() && !runtime::sees_case(call.caller->person, row, c.store.tasks({row.id, true}))) continue;
        auto& [active, all] = cases[row.version];
        active += row.status == "active" || row.status == "incident";
        ++all;
      }
      json out = json::array();
      for (int v = c.store.latest_definition(process)->version; v >= 1; --v) {
        auto d = c.store.definition(process, v);
        if (!d) continue;
        out.push_back({{"version", v}, {"name", d->name}, {"deployed_at", d->deployed_at}, {"deployed_by", d->deployed_by},
                       {"digest", d->digest}, {"cases_running", cases[v].first}, {"cases", cases[v].second}});
      }
      return out;
    }));
  });
  add("POST", "/api/definitions/{process}/changes", Access::modeller, [this](Call& call) {
    Body body(call.request, {"name", "xml", "decisions"});
    std::string name = body.text("name", false), xml = body.text("xml", true);
    if (name.empty()) name = "upload.bpmn";
    const std::string& process = call.params.at("process");
    // The decision models sent with it, compared rule by rule with their deployed versions.
    std::vector<definitions::DecisionModel> models;
    for (const auto& [file, text] : files_of(body)) {
      definitions::Diagnostics d(file);
      auto model = definitions::load_dmn_text(text, file, d);
      if (!model || d.has_errors()) throw runtime::Refused("the decision model does not load (" + first_error(d) + "); validate it first");
      models.push_back(std::move(*model));
    }
    definitions::Diagnostics diagnostics(name);
    auto uploaded = definitions::load_text(xml, name, diagnostics);
    if (!uploaded || diagnostics.has_errors()) throw runtime::Refused("the file does not load (" + first_error(diagnostics) + "); validate it first");
    const definitions::Process* after = uploaded->find_process(process);
    if (!after) throw runtime::Refused(name + " holds no process '" + process + "'");
    return json_response(200, service.read([&](Context& c) {
      std::optional<Stored> before;
      if (auto d = c.store.latest_definition(process)) before = parsed(std::move(*d));
      definitions::Process nothing;
      json changes = json::array();
      for (const auto& change : definitions::compare_steps(before ? before->process() : nothing, *after)) {
        auto letters = [](const definitions::Raci& r) {
          return json{{"R", r.responsible}, {"A", r.accountable}, {"C", r.consulted}, {"I", r.informed}};
        };
        json j = {{"step", change.step}, {"change", definitions::to_string(change.kind)},
                  {"name", {{"before", change.name_before}, {"after", change.name_after}}},
                  {"renamed", change.renamed()}, {"raci_changed", change.raci_changed()}};
        if (change.kind != definitions::StepChange::Kind::added) j["raci_before"] = letters(change.raci_before);
        if (change.kind != definitions::StepChange::Kind::removed) j["raci_after"] = letters(change.raci_after);
        changes.push_back(j);
      }
      json rules = json::array();
      for (const auto& model : models) {
        std::optional<definitions::DecisionModel> deployed;
        std::optional<int> from;
        if (auto v = c.store.latest_decision_model(model.id)) {
          definitions::Diagnostics ignored(v->file);
          deployed = definitions::load_dmn_text(v->source, v->file, ignored);
          from = v->version;
        }
        for (const auto& change : definitions::compare_rules(deployed ? *deployed : definitions::DecisionModel{}, model))
          rules.push_back({{"model", model.id}, {"from_version", from ? json(*from) : json(nullptr)}, {"decision", change.decision},
                           {"decision_name", change.decision_name}, {"rule", change.rule}, {"number", change.number},
                           {"change", definitions::to_string(change.kind)}, {"before", change.before}, {"after", change.after}});
      }
      return json{{"process", process}, {"from_version", before ? json(before->version.version) : json(nullptr)}, {"changes", changes},
                  {"rule_changes", rules}};
    }));
  });
  add("GET", "/api/definitions/{process}/raci", Access::person, [this, definition](Call& call) {
    return text_response("application/json", service.read([&](Context& c) {
      return render::render_raci(definitions::raci_matrix(parsed(definition(call, c)).process()), render::RaciFormat::json);
    }));
  });
  add("GET", "/api/definitions/{process}/diagram", Access::person, [this, definition](Call& call) {
    return text_response("image/svg+xml", service.read([&](Context& c) {
      auto s = parsed(definition(call, c));
      return render::process_svg(s.version.source, s.definitions, s.version.process);
    }));
  });
}

}  // namespace raciflow::http
