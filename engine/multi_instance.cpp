// Multi-instance activities (BPMN 2.0.2, 13.3.7) and standard loops.
#include "engine/run.h"

#include <algorithm>

namespace raciflow::engine::detail {

// The own variables of the multi-instance instances a step in `scope` runs in, and of
// `token`; the innermost wins.
json Run::instance_variables(int scope, int token) const {
  json overlay;  // null until an instance variable is found: nothing allocated on the common path
  auto add = [&](int t) {
    auto it = s_.tokens.find(t);
    if (it == s_.tokens.end() || it->second.locals.is_null()) return;
    for (const auto& [name, value] : it->second.locals.items())
      if (!overlay.contains(name)) overlay[name] = value;
  };
  add(token);
  for (int cur = scope; cur > 0;) {
    auto it = s_.scopes.find(cur);
    if (it == s_.scopes.end()) break;
    add(it->second.token);
    cur = it->second.parent;
  }
  return overlay;
}

// Whether a standard loop runs (again) after `runs` runs; nullopt when its condition
// failed (an incident). The condition sees loopCounter, the runs so far (BPMN 2.0.2, 10.3.8).
std::optional<bool> Run::loop_again(const FlowNode& n, int scope, int node, int runs) {
  std::string error;
  json vars = context(scope);
  vars["loopCounter"] = runs;
  auto again = n.loop_condition->compiled->test(vars, &error);
  if (!again) raise_incident(node, scope, "loop condition of '" + n.id + "' failed: " + error);
  return again;
}

void Run::start_multi(int node, int scope) {
  const FlowNode& n = p_.nodes[node];
  const MultiInstance& mi = *n.multi;
  json items = json::array();
  long long count = 0;
  const json vars = context(scope);
  if (!mi.collection.empty()) {
    auto it = vars.find(mi.collection);
    if (it == vars.end() || !it->is_array()) {
      raise_incident(node, scope, "the collection '" + mi.collection + "' of '" + n.id + "' is not a list" +
                                      (it == vars.end() ? " (no such variable)" : ""));
      return;
    }
    items = *it;
    count = static_cast<long long>(items.size());
  } else {
    auto result = mi.cardinality->compiled->evaluate(vars);
    if (!result.ok() || !result.value->is_number_integer() || result.value->get<long long>() < 0) {
      raise_incident(node, scope, "loopCardinality of '" + n.id + "' is not a whole number of 0 or more: " +
                                      (result.ok() ? result.value->dump() : result.error));
      return;
    }
    count = result.value->get<long long>();
  }
  if (count > kMaxInstances) {
    raise_incident(node, scope, "'" + n.id + "' would have " + std::to_string(count) + " instances; at most " +
                                    std::to_string(kMaxInstances));
    return;
  }
  if (mi.role_from_element)
    for (std::size_t i = 0; i < items.size(); ++i)
      if (!items[i].is_string() || items[i].get<std::string>().empty()) {
        raise_incident(node, scope, "item " + std::to_string(i) + " of '" + mi.collection + "' is not a role id, so '" + n.id +
                                        "' cannot route it (raci:roleFromElement)");
        return;
      }
  if (count == 0) {  // no instance: the activity is done at once
    leave(node, scope);
    return;
  }
  int token = new_id();
  json multi = {{"instances", count}, {"sequential", n.loop == LoopKind::multi_instance_sequential}};
  if (!mi.collection.empty()) multi["items"] = items;
  emit(EventKind::token_waiting, n.id, {{"token", token}, {"scope", scope}, {"multi", multi}});
  if (!mi.output_collection.empty()) set_variables(json{{mi.output_collection, json(static_cast<std::size_t>(count), nullptr)}}, n.id);
  arm_boundaries(node, token);
  for (int i = 0; i < (n.loop == LoopKind::multi_instance_sequential ? 1 : static_cast<int>(count)); ++i) {
    if (!s_.tokens.count(token)) return;  // a boundary's condition held as it was armed
    create_instance(token, i);
  }
  if (passes_through(n.kind)) finish_pass_through_instances(token);
}

// The instances of a step that does not wait are done in the order they were created
// (a sequential body creates the next as one is done); each is in the trail as its token
// waits and is consumed, with its output collected. A loop, not recursion: up to
// kMaxInstances of them.
void Run::finish_pass_through_instances(int body_token) {
  while (s_.multi.count(body_token)) {
    int next = -1;
    for (const auto& [id, t] : s_.tokens)
      if (t.body == body_token) {
        next = id;
        break;
      }
    if (next < 0) return;
    const Token t = s_.tokens.at(next);
    const FlowNode& n = p_.nodes[t.node];
    if (n.kind == NodeKind::send_task)
      emit(EventKind::message_sent, n.id, {{"message", x_.message_name(n.message_ref)}, {"variables", context(t.scope, next)}});
    finish_activity(next, t.locals);
  }
}

void Run::create_instance(int body_token, int number) {
  const MultiBody& body = s_.multi.at(body_token);
  const FlowNode& n = p_.nodes[body.node];
  const MultiInstance& mi = *n.multi;
  Instance instance;
  instance.number = number;
  instance.locals = {{"loopCounter", number}};
  if (!mi.element_variable.empty()) instance.locals[mi.element_variable] = body.items.at(static_cast<std::size_t>(number));
  if (!is_human_task(n.kind)) {
    // A sub-process, call activity or step that does not wait: a token of its own, with its
    // variables; the caller finishes those of a step that does not wait.
    int scope = s_.tokens.at(body_token).scope;
    int token = new_id();
    emit(EventKind::token_waiting, n.id,
         {{"token", token}, {"scope", scope}, {"body", body_token}, {"instance", number}, {"locals", instance.locals}});
    if (!passes_through(n.kind)) run_activity(body.node, token, scope);
    return;
  }
  instance.responsible = n.raci.responsible;
  instance.accountable = n.raci.accountable;
  if (mi.role_from_element) {
    // One task per item, each routed to the role the item names.
    instance.responsible = {body.items.at(static_cast<std::size_t>(number)).get<std::string>()};
    if (!n.raci.accountable_explicit) instance.accountable = instance.responsible;
  }
  create_task(body.node, body_token, &instance);
}

// One instance is done: collect its output, then end the body when every instance is
// done or the completion condition holds (withdrawing the rest), or start the next.
void Run::instance_done(int body_token, int number, const json& variables) {
  const MultiBody body = s_.multi.at(body_token);
  const FlowNode& n = p_.nodes[body.node];
  const MultiInstance& mi = *n.multi;
  if (!mi.output.empty()) {
    json list = s_.variables.contains(mi.output_collection) && s_.variables[mi.output_collection].is_array()
                    ? s_.variables[mi.output_collection]
                    : json::array();
    while (list.size() < static_cast<std::size_t>(body.instances)) list.push_back(nullptr);
    if (variables.is_object() && variables.contains(mi.output))
      list[static_cast<std::size_t>(number)] = variables[mi.output];
    else if (s_.variables.contains(mi.output))
      list[static_cast<std::size_t>(number)] = s_.variables[mi.output];
    set_variables(json{{mi.output_collection, list}}, n.id);
  }
  const MultiBody& now = s_.multi.at(body_token);
  int created = now.created, completed = now.completed, active = created - completed;
  bool done = completed >= body.instances;
  if (!done && mi.completion) {
    json vars = context(s_.tokens.at(body_token).scope);
    vars["nrOfInstances"] = body.instances;
    vars["nrOfActiveInstances"] = active;
    vars["nrOfCompletedInstances"] = completed;
    std::string error;
    auto holds = mi.completion->compiled->test(vars, &error);
    if (!holds) {
      raise_incident(body.node, s_.tokens.at(body_token).scope, "completionCondition of '" + n.id + "' failed: " + error);
      return;
    }
    done = *holds;
  }
  if (done) {
    withdraw_instances(body_token);
    finish_activity(body_token);
  } else if (body.sequential && active == 0 && created < body.instances) {
    create_instance(body_token, created);
  }
}

// Withdraws what a multi-instance body still runs: its instances' open tasks and
// instance tokens (with their scopes and calls).
void Run::withdraw_instances(int body_token) {
  for (auto& [id, task] : s_.tasks)
    if (task.token == body_token && task.live()) emit(EventKind::task_cancelled, task.node_id, {{"task", id}});
  std::vector<int> instances;
  for (const auto& [id, t] : s_.tokens)
    if (t.body == body_token) instances.push_back(id);
  for (int id : instances)
    if (s_.tokens.count(id)) withdraw(id);
}

}  // namespace raciflow::engine::detail
