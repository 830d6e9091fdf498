// DMN decision models in the runtime: read and compiled as they are deployed, found by
// business-rule tasks and `decide` among the deployed ones, compiled once per version.
#include "runtime/runtime.h"

#include "definitions/dmn.h"
#include "definitions/dmn_eval.h"
#include "runtime/runtime_internal.h"

namespace raciflow::runtime {

namespace {

std::string shown(const std::string& decision, int version) {
  return "decision '" + decision + "'" + (version ? " in version " + std::to_string(version) + " of its model" : "");
}

}  // namespace

std::shared_ptr<const definitions::DecisionEngine> DecisionCache::compiled(const DecisionModelVersion& v) const {
  std::lock_guard lock(mutex_);
  auto key = std::make_pair(v.id, v.version);
  if (auto it = compiled_.find(key); it != compiled_.end()) return it->second;
  definitions::Diagnostics d(v.file);
  auto model = definitions::load_dmn_text(v.source, v.file, d);
  auto engine = model && !d.has_errors() ? definitions::DecisionEngine::compile(*model, d) : std::nullopt;
  if (!engine) return nullptr;
  return compiled_[key] = std::make_shared<const definitions::DecisionEngine>(std::move(*engine));
}

engine::FoundDecision DecisionCache::find(const std::string& decision, int version) const {
  engine::FoundDecision found;
  // The model that holds it now (by id first, then by name), then the version asked for.
  std::vector<std::pair<DecisionModelVersion, std::shared_ptr<const definitions::DecisionEngine>>> holding;
  for (int pass = 0; pass < 2 && holding.empty(); ++pass)
    for (const auto& v : store_.latest_decision_models()) {
      auto model = compiled(v);
      if (!model) continue;
      for (const auto& d : model->model().decisions)
        if (pass == 0 ? d.id == decision : d.name == decision) {
          holding.emplace_back(v, model);
          break;
        }
    }
  if (holding.empty()) {
    found.error = "no deployed decision model holds " + shown(decision, 0);
    return found;
  }
  if (holding.size() > 1) {
    found.error = "the name '" + decision + "' is a decision in both '" + holding[0].first.id + "' and '" + holding[1].first.id +
                  "'; name it by its id";
    return found;
  }
  auto [latest, model] = holding.front();
  if (version && version != latest.version) {
    auto pinned = store_.decision_model(latest.id, version);
    model = pinned ? compiled(*pinned) : nullptr;
    if (!model || !model->model().find(decision)) {
      found.error = shown(decision, version) + " '" + latest.id + "' is not deployed";
      return found;
    }
  }
  found.model = model;
  found.model_id = latest.id;
  found.version = version ? version : latest.version;
  return found;
}

bool is_dmn_file(const std::string& name, const std::string& text) {
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".dmn") == 0) return true;
  return definitions::is_dmn(text);
}

definitions::Diagnostics check_model(const std::string& name, const std::string& text) {
  definitions::Diagnostics d(name);
  auto model = definitions::load_dmn_text(text, name, d);
  if (model && !d.has_errors()) definitions::DecisionEngine::compile(*model, d);
  return d;
}

ModelFile read_model_file(const std::string& name, const std::string& text) {
  definitions::Diagnostics d(name);
  auto model = definitions::load_dmn_text(text, name, d);
  std::optional<definitions::DecisionEngine> engine;
  if (model && !d.has_errors()) engine = definitions::DecisionEngine::compile(*model, d);
  for (const auto& finding : d.all())
    if (finding.severity == definitions::Severity::error) throw Refused(finding.format() + (d.error_count() > 1 ? " (and more)" : ""));
  if (!engine) throw Refused(name + ": error: is not a DMN decision model raciflow can read");
  return {name, text, std::make_shared<const definitions::DecisionEngine>(std::move(*engine))};
}

void check_decision_ids(const std::vector<ModelFile>& models, Store& store) {
  std::map<std::string, std::string> holder;  // decision id -> model file
  for (const auto& m : models) {
    const auto& model = m.model->model();
    for (const auto& other : models)
      if (&other != &m && other.model->model().id == model.id)
        throw Refused("decision model '" + model.id + "' is in both " + m.file + " and " + other.file);
    for (const auto& d : model.decisions)
      if (auto [it, fresh] = holder.emplace(d.id, m.file); !fresh && it->second != m.file)
        throw Refused("decision '" + d.id + "' is in both " + it->second + " and " + m.file);
  }
  if (models.empty()) return;
  DecisionCache cache(store);
  for (const auto& v : store.latest_decision_models()) {
    auto deployed = cache.compiled(v);
    if (!deployed) continue;
    for (const auto& m : models)
      if (m.model->model().id != v.id)
        for (const auto& d : deployed->model().decisions)
          if (holder.count(d.id) && holder[d.id] == m.file && m.model->model().find(d.id))
            throw Refused(m.file + ": error: decision '" + d.id + "' is already deployed in decision model '" + v.id +
                          "'; a decision lives in one model (deploy a new version of '" + v.id + "', or give it another id)");
  }
}

std::string decision_problem(const definitions::FlowNode& node, const std::vector<ModelFile>& batch, Store& store) {
  if (!node.called_decision) return {};
  const auto& call = *node.called_decision;
  std::string what = "business-rule task '" + node.id + "' evaluates " + shown(call.decision, call.version);
  for (const auto& m : batch)
    if (m.model->model().find(call.decision)) {
      if (!call.version) return {};
      auto latest = store.latest_decision_model(m.model->model().id);
      if (call.version <= (latest ? latest->version : 0) + 1) return {};
      return what + ", which is not deployed";
    }
  DecisionCache cache(store);
  auto found = cache.find(call.decision, call.version);
  if (found.model) return {};
  return what + ", which is neither deployed nor among these files (" + found.error + ")";
}

std::optional<DecisionModelVersion> Runtime::decision_model_holding(const std::string& decision) {
  auto found = decisions_->find(decision, 0);
  if (!found.model) return std::nullopt;
  return store_.decision_model(found.model_id, found.version);
}

DecisionAnswer Runtime::decide(const std::string& decision, const nlohmann::json& variables) {
  if (!variables.is_object()) throw Refused("the variables must be a JSON object");
  auto found = decisions_->find(decision, 0);
  if (!found.model) throw Refused(found.error, RefusalKind::not_found);
  const definitions::Decision* d = found.model->model().find(decision);
  auto outcome = found.model->evaluate(d->id, variables);
  if (!outcome.ok()) throw Refused("decision '" + (d->name.empty() ? d->id : d->name) + "': " + outcome.error);
  return {d->id, d->name, found.model_id, found.version, outcome.result, outcome.inputs, definitions::matched_json(outcome.matched)};
}

}  // namespace raciflow::runtime
