// Gateways: joins (parallel, inclusive, complex) and the branches of event-based gateways.
#include "engine/run.h"

#include <algorithm>
#include <unordered_set>

namespace raciflow::engine::detail {

void Run::take_gateway_branch(int gateway_token, int target) {
  Token t = s_.tokens.at(gateway_token);
  disarm(gateway_token);
  emit(EventKind::token_consumed, p_.nodes[t.node].id, {{"token", gateway_token}, {"chosen", p_.nodes[target].id}});
  emit(EventKind::node_entered, p_.nodes[target].id, {{"scope", t.scope}});
  leave(target, t.scope);
}

void Run::fire_parallel_join(int node, int scope) {
  const FlowNode& n = p_.nodes[node];
  const auto& arrivals = s_.joins[{node, scope}];
  if (arrivals.size() < n.incoming.size()) return;  // cheap, and the usual answer while tokens arrive
  std::unordered_set<int> arrived(arrivals.begin(), arrivals.end());
  json flows = json::array();
  for (int f : n.incoming) {
    if (!arrived.count(f)) return;
    flows.push_back(p_.flows[f].id);
  }
  emit(EventKind::join_fired, n.id, {{"scope", scope}, {"flows", flows}});
  leave(node, scope);
}

// A token arrived at a complex join. In the reset phase after it fired, the tokens it
// still waits for are absorbed; others are kept for its next activation.
void Run::arrive_complex(int node, int scope, int flow) {
  auto key = std::make_pair(node, scope);
  if (auto it = s_.absorbing.find(key); it != s_.absorbing.end()) {
    if (std::find(it->second.begin(), it->second.end(), flow) == it->second.end()) return;  // kept
    emit(EventKind::join_fired, p_.nodes[node].id, {{"scope", scope}, {"flows", {p_.flows[flow].id}}, {"absorbed", true}});
    if (s_.absorbing.count(key)) return;
  }
  activate_complex(node, scope);
}

// The join fires when its activationCondition holds over the variables and
// activationCount (the tokens waiting at it); it then absorbs one token on each incoming
// flow that has not delivered yet, or until none can come.
void Run::activate_complex(int node, int scope) {
  auto it = s_.joins.find({node, scope});
  if (it == s_.joins.end() || it->second.empty()) return;
  const FlowNode& n = p_.nodes[node];
  std::vector<int> arrivals = it->second;
  json vars = context(scope);
  vars["activationCount"] = arrivals.size();
  std::string error;
  auto holds = n.activation->compiled->test(vars, &error);
  if (!holds) {
    raise_incident(node, scope, "activationCondition of '" + n.id + "' failed: " + error);
    return;
  }
  if (!*holds) return;
  json flows = json::array(), absorb = json::array();
  for (int f : arrivals) flows.push_back(p_.flows[f].id);
  for (int f : n.incoming)
    if (std::find(arrivals.begin(), arrivals.end(), f) == arrivals.end()) absorb.push_back(p_.flows[f].id);
  emit(EventKind::join_fired, n.id, {{"scope", scope}, {"flows", flows}, {"absorb", absorb}});
  leave(node, scope);
}

// A reset phase ends when no token of the scope can still reach the gateway; then the
// tokens kept meanwhile may activate it again.
bool Run::reset_complex_joins() {
  for (const auto& [key, waiting] : s_.absorbing) {
    auto [node, scope] = key;
    if (s_.scopes.count(scope) && can_still_arrive(node, scope, key)) continue;
    emit(EventKind::join_fired, p_.nodes[node].id, {{"scope", scope}, {"flows", json::array()}, {"reset", true}});
    if (s_.scopes.count(scope)) activate_complex(node, scope);
    return true;
  }
  return false;
}

// Whether a token of `scope`, or an arrival waiting at another join, can still reach `node`.
bool Run::can_still_arrive(int node, int scope, std::pair<int, int> except) const {
  for (const auto& [id, t] : s_.tokens)
    if (t.scope == scope && x_.reaches(t.node, node)) return true;
  for (const auto& [other, other_arrivals] : s_.joins)
    if (other != except && other.second == scope && !other_arrivals.empty() && x_.reaches(other.first, node)) return true;
  return false;
}

// An inclusive join fires when no other token of its scope can still reach it.
bool Run::fire_inclusive_joins() {
  for (const auto& [key, arrivals] : s_.joins) {
    auto [node, scope] = key;
    if (p_.nodes[node].kind != NodeKind::inclusive_gateway || arrivals.empty()) continue;
    if (can_still_arrive(node, scope, key)) continue;
    json flows = json::array();
    for (int f : arrivals) flows.push_back(p_.flows[f].id);
    int n = node, sc = scope;
    emit(EventKind::join_fired, p_.nodes[n].id, {{"scope", sc}, {"flows", flows}});
    leave(n, sc);
    return true;
  }
  return false;
}

}  // namespace raciflow::engine::detail
