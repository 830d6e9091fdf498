// Deploying definitions: loading, checking against the organisation, and installing
// new versions with their start timers.
#include "runtime/runtime.h"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

#include "definitions/definition_set.h"
#include "definitions/dmn.h"
#include "definitions/form.h"
#include "definitions/loader.h"
#include "runtime/runtime_internal.h"

namespace raciflow::runtime {

// --- definitions -------------------------------------------------------------------------

const Runtime::Flow& Runtime::flow(const std::string& process, int version) {
  auto key = std::make_pair(process, version);
  if (auto it = flows_.find(key); it != flows_.end()) return *it->second;
  auto stored = store_.definition(process, version);
  if (!stored) throw Refused("process " + process + "@" + std::to_string(version) + " is not deployed");
  definitions::Diagnostics diagnostics(stored->file);
  auto loaded = definitions::load_text(stored->source, stored->file, diagnostics);
  const definitions::Process* p = loaded ? loaded->find_process(process) : nullptr;
  if (!p || diagnostics.has_errors())
    throw std::runtime_error("the stored definition of " + process + "@" + std::to_string(version) + " no longer loads");
  auto f = std::make_unique<Flow>();
  f->definitions = std::make_unique<definitions::Definitions>(std::move(*loaded));
  f->executable = std::make_unique<engine::ExecutableProcess>(*f->definitions, *f->definitions->find_process(process), version);
  f->engine = std::make_unique<engine::Engine>(*f->executable, decisions_.get());
  for (const auto& [id, form_version] : stored->forms) {
    auto form = store_.form(id, form_version);
    definitions::Diagnostics form_diagnostics(form ? form->file : id);
    auto schema = form ? definitions::parse_form_schema(form->source, form_diagnostics) : std::nullopt;
    if (!schema)
      throw std::runtime_error("form '" + id + "'@" + std::to_string(form_version) + " of " + process + "@" + std::to_string(version) +
                               " is not stored or no longer reads");
    f->schemas[id] = std::make_shared<const definitions::FormSchema>(std::move(*schema));
    f->form_versions[id] = *form;
  }
  return *flows_.emplace(key, std::move(f)).first->second;
}

const definitions::FormSchema* Runtime::schema_of(const std::string& process, int version, const std::string& node) {
  const Flow& f = flow(process, version);
  const auto* n = f.process().find_node(node);
  if (!n || n->form.empty()) return nullptr;
  auto it = f.schemas.find(n->form);
  return it == f.schemas.end() ? nullptr : it->second.get();
}

std::optional<FormVersion> Runtime::step_form(const std::string& process, int version, const std::string& node) {
  const Flow& f = flow(process, version);
  const auto* n = f.process().find_node(node);
  if (!n || n->form.empty()) return std::nullopt;
  auto it = f.form_versions.find(n->form);
  if (it == f.form_versions.end()) return std::nullopt;
  return it->second;
}

namespace {
// The loaded organisation's role ids, which RACI attributes may name besides the lanes'.
std::optional<std::set<std::string>> role_ids(const std::optional<Organisation>& org) {
  if (!org) return std::nullopt;
  std::set<std::string> ids;
  for (const auto& r : org->roles) ids.insert(r.id);
  return ids;
}
const std::set<std::string>* or_null(const std::optional<std::set<std::string>>& s) { return s ? &*s : nullptr; }

// The person another modeler assigned a task to (camunda:assignee, zeebe assignee) must be
// in the organisation and hold one of the task's Responsible roles: the task is theirs
// at once, and nobody else could complete it.
std::string assignee_problem(const definitions::FlowNode& n, const std::optional<Organisation>& org) {
  if (n.assignee.empty()) return {};
  std::string what = std::string(definitions::element_name(n.kind)) + " '" + n.id + "' is assigned to '" + n.assignee + "'";
  if (!org) return what + ", but no organisation is loaded to find them in";
  const Person* person = org->find_person(n.assignee);
  if (!person) return what + ", who is no person of the organisation";
  for (const auto& r : n.raci.responsible)
    if (std::find(person->roles.begin(), person->roles.end(), r) != person->roles.end()) return {};
  std::string roles;
  for (const auto& r : n.raci.responsible) roles += (roles.empty() ? "" : ", ") + r;
  return what + ", who holds none of its Responsible roles (" + roles + ")";
}
}  // namespace

namespace {
bool is_form_file(const std::string& name) { return name.size() > 5 && name.compare(name.size() - 5, 5, ".form") == 0; }
}  // namespace

namespace {

// The forms and decisions that the definitions among `names` name and that are not among
// them, read from FORM_ID.form and DECISION_ID.dmn beside the definition's file when there
// is one: a flow, its forms and its decision tables kept in one folder deploy together (a
// file given by name comes first; one found nowhere is looked up among those deployed).
void add_forms_beside(std::vector<std::string>& names, std::vector<std::string>& texts) {
  std::set<std::string> given, decisions;
  for (std::size_t i = 0; i < names.size(); ++i) {
    definitions::Diagnostics ignored(names[i]);
    if (is_dmn_file(names[i], texts[i])) {
      if (auto model = definitions::load_dmn_text(texts[i], names[i], ignored))
        for (const auto& d : model->decisions) decisions.insert(d.id);
      continue;
    }
    if (!is_form_file(names[i])) continue;
    if (auto schema = definitions::parse_form_schema(texts[i], ignored)) given.insert(schema->id);
  }
  static const std::regex plain("[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}");
  const std::size_t count = names.size();
  auto add_beside = [&](const std::string& definition, const std::string& file) {
    auto beside = (std::filesystem::path(definition).parent_path() / file).string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(beside, ec)) return false;
    names.push_back(beside);
    texts.push_back(read_bytes(beside));
    return true;
  };
  for (std::size_t i = 0; i < count; ++i) {
    if (is_form_file(names[i]) || is_dmn_file(names[i], texts[i])) continue;
    definitions::Diagnostics ignored(names[i]);
    auto defs = definitions::load_text(texts[i], names[i], ignored);
    if (!defs) continue;
    for (const auto& p : defs->processes)
      for (const auto& n : p.nodes) {
        if (n.called_decision && !decisions.count(n.called_decision->decision) && std::regex_match(n.called_decision->decision, plain) &&
            add_beside(names[i], n.called_decision->decision + ".dmn")) {
          definitions::Diagnostics unread(names.back());
          if (auto model = definitions::load_dmn_text(texts.back(), names.back(), unread))
            for (const auto& d : model->decisions) decisions.insert(d.id);
          decisions.insert(n.called_decision->decision);
        }
        if (n.form.empty() || given.count(n.form) || !std::regex_match(n.form, plain)) continue;
        if (add_beside(names[i], n.form + ".form")) given.insert(n.form);
      }
  }
}

}  // namespace

std::vector<Deployed> Runtime::deploy(const std::vector<std::string>& paths, const std::string& actor) {
  std::vector<std::string> names = paths, texts;
  for (const auto& path : paths) texts.push_back(read_bytes(path));
  add_forms_beside(names, texts);
  return deploy_all(names, texts, actor);
}

std::vector<Deployed> Runtime::deploy_text(const std::string& name, const std::string& text, const std::string& actor) {
  return deploy_all({name}, {text}, actor);
}

std::vector<Deployed> Runtime::deploy_texts(const std::vector<std::string>& names, const std::vector<std::string>& texts,
                                            const std::string& actor) {
  return deploy_all(names, texts, actor);
}

// Definitions and forms together: every form is read and checked first, then the
// definitions, then the forms the user tasks name are looked up among those in the batch
// and those deployed. Any mistake refuses everything.
std::vector<Deployed> Runtime::deploy_all(const std::vector<std::string>& names, const std::vector<std::string>& texts,
                                          const std::string& actor) {
  std::vector<std::string> paths, sources;
  std::vector<FormFile> forms;
  std::vector<ModelFile> models;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (is_dmn_file(names[i], texts[i])) {
      models.push_back(read_model_file(names[i], texts[i]));
      continue;
    }
    if (!is_form_file(names[i])) {
      paths.push_back(names[i]);
      sources.push_back(texts[i]);
      continue;
    }
    definitions::Diagnostics d(names[i]);
    auto schema = definitions::parse_form_schema(texts[i], d);
    for (const auto& finding : d.all())
      if (finding.severity == definitions::Severity::error)
        throw Refused(finding.format() + (d.error_count() > 1 ? " (and more)" : ""));
    for (const auto& f : forms)
      if (f.schema.id == schema->id) throw Refused("form '" + schema->id + "' is in both " + f.file + " and " + names[i]);
    forms.push_back({names[i], texts[i], std::move(*schema)});
  }
  check_decision_ids(models, store_);
  if (paths.empty()) {
    if (forms.empty() && models.empty()) throw Refused("nothing to deploy");
    return transact([&] { return install({}, forms, models, actor); });
  }
  auto roles = role_ids(store_.organisation());
  auto files = definitions::load_and_validate_texts(paths, sources, false, or_null(roles));
  auto candidates = deploy_candidates(files, paths, sources);
  return transact([&] { return install(candidates, forms, models, actor); });
}

namespace {

// The keys of form `id`: of the form in `batch`, else of the latest deployed.
std::optional<std::set<std::string>> keys_of(const std::string& id, const std::map<std::string, const definitions::FormSchema*>& batch,
                                             Store& store) {
  std::optional<definitions::FormSchema> deployed;
  const definitions::FormSchema* schema = nullptr;
  if (auto it = batch.find(id); it != batch.end()) {
    schema = it->second;
  } else if (auto latest = store.latest_form(id)) {
    definitions::Diagnostics ignored(latest->file);
    deployed = definitions::parse_form_schema(latest->source, ignored);
    if (deployed) schema = &*deployed;
  }
  if (!schema) return std::nullopt;
  std::set<std::string> keys;
  for (const auto& input : schema->inputs) keys.insert(input.key);
  return keys;
}

}  // namespace

definitions::Diagnostics Runtime::check_text(const std::string& name, const std::string& text,
                                             const std::vector<std::pair<std::string, std::string>>& forms) {
  if (is_dmn_file(name, text)) return check_model(name, text);
  auto roles = role_ids(store_.organisation());
  auto files = definitions::load_and_validate_texts({name}, {text}, false, or_null(roles));
  definitions::Diagnostics out = files.front().diagnostics;
  // The forms and decision models that would be deployed with it, each checked as deploy checks it.
  std::vector<definitions::FormSchema> schemas;
  std::vector<ModelFile> models;
  for (const auto& [file, source] : forms) {
    if (is_dmn_file(file, source)) {
      auto d = check_model(file, source);
      for (const auto& finding : d.all())
        if (finding.severity == definitions::Severity::error) out.add(finding);
      if (!d.has_errors()) models.push_back(read_model_file(file, source));
      continue;
    }
    definitions::Diagnostics d(file);
    auto schema = definitions::parse_form_schema(source, d);
    for (const auto& finding : d.all())
      if (finding.severity == definitions::Severity::error) out.add(finding);
    if (schema) schemas.push_back(std::move(*schema));
  }
  std::map<std::string, const definitions::FormSchema*> batch;
  for (const auto& schema : schemas) batch[schema.id] = &schema;
  if (!files.front().definitions || out.has_errors()) return out;
  const auto& defs = *files.front().definitions;
  auto org = store_.organisation();
  for (const auto& p : defs.processes) {
    if (!p.executable || p.nodes.empty()) continue;
    for (const auto& problem : engine::check_executable(p)) out.error(problem.line, problem.message);
    for (const auto& n : p.nodes)
      if (auto problem = assignee_problem(n, org); !problem.empty()) out.error(n.line, n.id, problem);
    for (const auto& n : p.nodes)
      if (n.kind == NodeKind::call_activity && !defs.find_process(n.called_element) && !store_.latest_definition(n.called_element))
        out.error(n.line, n.id, "call activity '" + n.id + "' calls process '" + n.called_element + "', which is neither deployed nor in this file");
    for (const auto& n : p.nodes)
      if (auto problem = decision_problem(n, models, store_); !problem.empty()) out.error(n.line, n.id, problem);
    for (const auto& n : p.nodes)
      if (!n.form.empty() && !batch.count(n.form) && !store_.latest_form(n.form))
        out.error(n.line, n.id, "user task '" + n.id + "' shows form '" + n.form + "', which is neither deployed nor among the forms given");
    for (const auto& u : definitions::unset_condition_variables(p, [&](const std::string& id) { return keys_of(id, batch, store_); }))
      out.warning(u.line, u.flow, u.message);
  }
  out.sort_by_line();
  return out;
}

std::vector<Runtime::Candidate> Runtime::deploy_candidates(const std::vector<definitions::LoadedFile>& files,
                                                           const std::vector<std::string>& paths,
                                                           const std::vector<std::string>& sources) {
  for (const auto& file : files)
    for (const auto& d : file.diagnostics.all())
      if (d.severity == definitions::Severity::error)
        throw Refused(d.format() + (file.diagnostics.error_count() > 1 ? " (and more; run 'raciflow validate')" : ""));
  std::vector<Candidate> candidates;
  std::set<std::string> in_batch;
  auto org = store_.organisation();
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& defs = *files[i].definitions;
    for (const auto& p : defs.processes) {
      if (!p.executable || p.nodes.empty()) continue;
      for (const auto& problem : engine::check_executable(p))
        throw Refused(paths[i] + ":" + std::to_string(problem.line) + ": error: " + problem.message);
      for (const auto& n : p.nodes)
        if (auto problem = assignee_problem(n, org); !problem.empty())
          throw Refused(paths[i] + ":" + std::to_string(n.line) + ": error: " + problem);
      if (!in_batch.insert(p.id).second) throw Refused("process '" + p.id + "' is in more than one of the files");
      candidates.push_back({&p, paths[i], sources[i]});
    }
  }
  if (candidates.empty()) throw Refused("no executable process in " + paths.front() + (paths.size() > 1 ? " and the others" : ""));
  return candidates;
}

std::vector<Deployed> Runtime::install(const std::vector<Candidate>& candidates, const std::vector<FormFile>& forms,
                                       const std::vector<ModelFile>& models, const std::string& actor) {
  std::set<std::string> in_batch;
  for (const auto& c : candidates) in_batch.insert(c.process->id);
  for (const auto& c : candidates)
    for (const auto& n : c.process->nodes)
      if (n.kind == NodeKind::call_activity && !in_batch.count(n.called_element) && !store_.latest_definition(n.called_element))
        throw Refused(c.file + ":" + std::to_string(n.line) + ": error: call activity '" + n.id + "' calls process '" +
                      n.called_element + "', which is neither deployed nor in these files");
  std::vector<Deployed> out;
  std::map<std::string, const definitions::FormSchema*> batch;
  for (const auto& f : forms) batch[f.schema.id] = &f.schema;
  // The forms first: a form whose bytes changed becomes a new version of it.
  std::map<std::string, int> form_version;
  for (const auto& f : forms) {
    std::string digest = sha256_hex(f.source);
    auto latest = store_.latest_form(f.schema.id);
    if (latest && latest->digest == digest) {
      form_version[f.schema.id] = latest->version;
      out.push_back({f.schema.id, latest->version, false, true, {}});
      continue;
    }
    FormVersion v{f.schema.id, latest ? latest->version + 1 : 1, f.schema.name, f.file, digest, f.source, now_text(), actor};
    store_.add_form(v);
    form_version[v.id] = v.version;
    AuditRecord r;
    r.time = now_text();
    r.action = kFormDeployed;
    r.actor = actor;
    r.data = json{{"form", v.id}, {"version", v.version}, {"file", v.file}, {"digest", digest}}.dump();
    append(r);
    out.push_back({v.id, v.version, true, true, {}});
  }
  for (const auto& c : candidates)
    for (const auto& n : c.process->nodes)
      if (auto problem = decision_problem(n, models, store_); !problem.empty())
        throw Refused(c.file + ":" + std::to_string(n.line) + ": error: " + problem);
  // The decision models: one whose bytes changed becomes a new version of it.
  for (const auto& m : models) {
    const auto& model = m.model->model();
    std::string digest = sha256_hex(m.source);
    auto latest = store_.latest_decision_model(model.id);
    if (latest && latest->digest == digest) {
      out.push_back({model.id, latest->version, false, false, {}, true});
      continue;
    }
    DecisionModelVersion v{model.id, latest ? latest->version + 1 : 1, model.name, m.file, digest, m.source, now_text(), actor};
    store_.add_decision_model(v);
    AuditRecord r;
    r.time = now_text();
    r.action = kDecisionModelDeployed;
    r.actor = actor;
    json decisions = json::array();
    for (const auto& d : model.decisions) decisions.push_back(d.id);
    r.data = json{{"model", v.id}, {"version", v.version}, {"file", v.file}, {"digest", digest}, {"decisions", decisions}}.dump();
    append(r);
    out.push_back({v.id, v.version, true, false, {}, true});
  }
  for (const auto& c : candidates) {
    // The forms its user tasks show: those deployed with it, else the latest deployed.
    std::map<std::string, int> bound;
    for (const auto& n : c.process->nodes) {
      if (n.form.empty()) continue;
      if (auto it = form_version.find(n.form); it != form_version.end()) {
        bound[n.form] = it->second;
      } else if (auto latest = store_.latest_form(n.form)) {
        bound[n.form] = latest->version;
      } else {
        throw Refused(c.file + ":" + std::to_string(n.line) + ": error: user task '" + n.id + "' shows form '" + n.form +
                      "', which is neither deployed nor among these files (deploy its .form file with it)");
      }
    }
    std::vector<std::string> warnings;
    for (const auto& u : definitions::unset_condition_variables(*c.process, [&](const std::string& id) { return keys_of(id, batch, store_); }))
      warnings.push_back(c.file + ":" + std::to_string(u.line) + ": warning: " + u.message);
    std::string digest = sha256_hex(c.source);
    auto latest = store_.latest_definition(c.process->id);
    if (latest && latest->digest == digest && latest->forms == bound) {
      out.push_back({c.process->id, latest->version, false, false, warnings});
      continue;
    }
    DefinitionVersion d{c.process->id, latest ? latest->version + 1 : 1, c.process->name, c.file, digest, c.source,
                        now_text(), actor, bound};
    store_.add_definition(d);
    AuditRecord r;
    r.time = now_text();
    r.process = d.process;
    r.version = d.version;
    r.action = kDefinitionDeployed;
    r.actor = actor;
    json data{{"file", d.file}, {"digest", digest}, {"name", d.name}};
    if (!bound.empty()) data["forms"] = bound;
    r.data = data.dump();
    append(r);
    // Timer start events of the new version replace those of the old one.
    std::vector<StartTimer> timers;
    for (const auto& n : c.process->nodes) {
      if (n.kind != NodeKind::start_event || n.parent >= 0 || n.trigger != definitions::EventTrigger::timer || !n.timer)
        continue;
      const auto& t = *n.timer;
      StartTimer st{d.process, d.version, n.id, "", 0};
      if (t.kind == definitions::Timer::Kind::date) st.due = definitions::format_date_time(*t.date);
      if (t.kind == definitions::Timer::Kind::duration) st.due = definitions::format_date_time(t.duration->after(now_));
      if (t.kind == definitions::Timer::Kind::cycle) {
        const auto& cycle = *t.cycle;
        st.due = definitions::format_date_time(cycle.start && *cycle.start > now_ ? *cycle.start : cycle.interval.after(now_));
        st.remaining = cycle.repetitions ? *cycle.repetitions - 1 : -1;
      }
      timers.push_back(st);
    }
    store_.replace_start_timers(d.process, timers);
    out.push_back({d.process, d.version, true, false, warnings});
  }
  return out;
}

}  // namespace raciflow::runtime
