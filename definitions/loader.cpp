#include "definitions/loader_internal.h"

namespace raciflow::definitions {
namespace loading {

// Expression languages that mean "raciflow's own condition language".
bool is_own_language(std::string_view language) {
  return language.empty() || language == kRaciNamespace;
}

std::string_view local_name(std::string_view qname) {
  auto colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::string_view prefix_of(std::string_view qname) {
  auto colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view{} : qname.substr(0, colon);
}

// The namespace URI bound to `prefix` (empty prefix: the default namespace) where `node` is.
std::string_view namespace_for(pugi::xml_node node, std::string_view prefix) {
  std::string attr = prefix.empty() ? std::string("xmlns") : "xmlns:" + std::string(prefix);
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    if (pugi::xml_attribute a = n.attribute(attr.c_str())) return a.value();
  }
  if (prefix == "xml") return "http://www.w3.org/XML/1998/namespace";
  return {};
}

std::string_view namespace_of(pugi::xml_node element) { return namespace_for(element, prefix_of(element.name())); }

bool is_bpmn(pugi::xml_node element) { return namespace_of(element) == kBpmnNamespace; }

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// A variable name as conditions use it: a letter or '_', then letters, digits or '_'.
bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

const std::unordered_map<std::string_view, NodeKind>& node_kinds() {
  static const std::unordered_map<std::string_view, NodeKind> kinds = {
      {"startEvent", NodeKind::start_event},
      {"endEvent", NodeKind::end_event},
      {"intermediateCatchEvent", NodeKind::intermediate_catch_event},
      {"intermediateThrowEvent", NodeKind::intermediate_throw_event},
      {"boundaryEvent", NodeKind::boundary_event},
      {"task", NodeKind::task},
      {"userTask", NodeKind::user_task},
      {"manualTask", NodeKind::manual_task},
      {"serviceTask", NodeKind::service_task},
      {"scriptTask", NodeKind::script_task},
      {"sendTask", NodeKind::send_task},
      {"receiveTask", NodeKind::receive_task},
      {"businessRuleTask", NodeKind::business_rule_task},
      {"callActivity", NodeKind::call_activity},
      {"subProcess", NodeKind::sub_process},
      {"transaction", NodeKind::transaction},
      {"adHocSubProcess", NodeKind::ad_hoc_sub_process},
      {"exclusiveGateway", NodeKind::exclusive_gateway},
      {"parallelGateway", NodeKind::parallel_gateway},
      {"inclusiveGateway", NodeKind::inclusive_gateway},
      {"eventBasedGateway", NodeKind::event_based_gateway},
      {"complexGateway", NodeKind::complex_gateway},
  };
  return kinds;
}

const std::unordered_map<std::string_view, EventTrigger>& event_definitions() {
  static const std::unordered_map<std::string_view, EventTrigger> defs = {
      {"messageEventDefinition", EventTrigger::message},
      {"timerEventDefinition", EventTrigger::timer},
      {"errorEventDefinition", EventTrigger::error},
      {"terminateEventDefinition", EventTrigger::terminate},
      {"signalEventDefinition", EventTrigger::signal},
      {"escalationEventDefinition", EventTrigger::escalation},
      {"conditionalEventDefinition", EventTrigger::conditional},
      {"linkEventDefinition", EventTrigger::link},
      {"compensateEventDefinition", EventTrigger::compensate},
      {"cancelEventDefinition", EventTrigger::cancel},
  };
  return defs;
}

// Root-level supporting definitions that flows refer to; loaded or safely unused.
bool is_supporting_definition(std::string_view name) {
  static const std::set<std::string_view> names = {
      "itemDefinition", "signal", "escalation", "dataStore", "interface", "import", "category", "resource",
      "extension", "relationship", "correlationProperty", "partnerRole", "partnerEntity", "endPoint",
      "eventDefinition", "documentation", "extensionElements", "messageEventDefinition",
      "timerEventDefinition", "errorEventDefinition", "signalEventDefinition", "escalationEventDefinition"};
  return names.count(name) > 0;
}

std::optional<Definitions> Loader::load() {
  pugi::xml_node root = source_.document().document_element();
  if (!root) {
    diag_.error(1, "", Phrase{"bpmn.no_root", {}, ""});
    return std::nullopt;
  }
  if (local_name(root.name()) != "definitions" || namespace_of(root) != kBpmnNamespace) {
    std::string_view ns = namespace_of(root);
    diag_.error(line(root), "",
                Phrase{"bpmn.not_bpmn",
                       {{"root", std::string(root.name())},
                        {"namespace", ns.empty() ? Words{"no namespace", "intet navnerum"} : Words{"namespace " + std::string(ns), "navnerummet " + std::string(ns)}},
                        {"expected", std::string(kBpmnNamespace)}},
                       ""});
    return std::nullopt;
  }
  out_.id = root.attribute("id").value();
  out_.name = root.attribute("name").value();
  out_.target_namespace = root.attribute("targetNamespace").value();
  expression_language_ = root.attribute("expressionLanguage").value();
  collect_ids(root);
  check_attributes(root);
  // Event definitions at the root, which events name with eventDefinitionRef.
  for (pugi::xml_node child : root.children())
    if (child.type() == pugi::node_element && is_bpmn(child) && event_definitions().count(local_name(child.name())) &&
        !child.attribute("id").empty())
      root_event_definitions_[child.attribute("id").value()] = child;

  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = local_name(child.name());
    std::string_view ns = namespace_of(child);
    if (ns == kDiNamespace) continue;  // diagram interchange: layout only
    if (ns != kBpmnNamespace) {
      unknown_element(child);
      continue;
    }
    if (name == "process") {
      load_process(child);
    } else if (name == "collaboration") {
      load_collaboration(child);
    } else if (name == "message") {
      out_.messages.push_back({child.attribute("id").value(), child.attribute("name").value(), line(child)});
    } else if (name == "signal") {
      out_.signals.push_back({child.attribute("id").value(), child.attribute("name").value(), line(child)});
    } else if (name == "error") {
      out_.errors.push_back({child.attribute("id").value(), child.attribute("name").value(),
                             child.attribute("errorCode").value(), line(child)});
    } else if (name == "escalation") {
      out_.escalations.push_back({child.attribute("id").value(), child.attribute("name").value(),
                                  child.attribute("escalationCode").value(), line(child)});
    } else if (is_supporting_definition(name)) {
      // referenced by elements that report themselves
    } else if (global_task_kind(name)) {
      globals_[child.attribute("id").value()] = child;  // run by the call activities that call it
    } else if (name == "choreography" || name == "conversation" || name.substr(0, 6) == "global") {
      diag_.warning(line(child), child.attribute("id").value(), Phrase{"bpmn.not_executed", {{"element", std::string(name)}, {"id", label(child)}}, ""});
    } else {
      unknown_element(child);
    }
  }
  resolve_global_tasks();
  return std::move(out_);
}

// The task kind a global task at the root runs as; nullopt for any other element.
std::optional<NodeKind> Loader::global_task_kind(std::string_view element) {
  static const std::unordered_map<std::string_view, NodeKind> kinds = {
      {"globalTask", NodeKind::task},
      {"globalUserTask", NodeKind::user_task},
      {"globalManualTask", NodeKind::manual_task},
      {"globalScriptTask", NodeKind::script_task},
      {"globalBusinessRuleTask", NodeKind::business_rule_task}};
  auto it = kinds.find(element);
  return it == kinds.end() ? std::nullopt : std::optional<NodeKind>(it->second);
}

// A call activity that calls a global task runs as that task, in its own lane, with the
// global task's RACI (and assignment) where the global task gives them.
void Loader::resolve_global_tasks() {
  std::set<std::string> called;
  for (Process& p : out_.processes) {
    process_ = &p;
    for (FlowNode& node : p.nodes) {
      if (node.kind != NodeKind::call_activity) continue;
      auto it = globals_.find(node.called_element);
      if (it == globals_.end()) continue;
      called.insert(it->first);
      pugi::xml_node element = it->second;
      FlowNode global;
      global.id = it->first;
      global.kind = *global_task_kind(local_name(element.name()));
      global.line = line(element);
      load_extension_attributes(element, global);
      load_assignments(element, global);
      node.kind = global.kind;
      if (node.name.empty()) node.name = element.attribute("name").value();
      Raci& r = node.raci;
      const Raci& g = global.raci;
      if (g.responsible_explicit) {
        r.responsible = g.responsible;
        r.responsible_explicit = true;
        r.responsible_source = g.responsible_source;
      }
      if (g.accountable_explicit) {
        r.accountable = g.accountable;
        r.accountable_explicit = true;
      } else if (!r.accountable_explicit && r.responsible.size() == 1) {
        r.accountable = r.responsible;
      }
      if (!g.consulted.empty()) r.consulted = g.consulted;
      if (!g.informed.empty()) r.informed = g.informed;
      if (global.due) {
        node.due = global.due;
        node.due_text = global.due_text;
      }
      if (global.reminders_set) {
        node.reminders = global.reminders;
        node.reminders_set = true;
      }
      if (!global.assignee.empty()) node.assignee = global.assignee;
      if (node.iso.empty()) node.iso = global.iso;
      report_unexecuted(node);  // a global script or business-rule task passes through, as its own kind does
    }
  }
  process_ = nullptr;
  for (const auto& [id, element] : globals_)
    if (!called.count(id))
      diag_.warning(line(element), id,
                    Phrase{"bpmn.global_not_called", {{"element", std::string(local_name(element.name()))}, {"id", label(element)}}, ""});
}

// Whether `attr` of `element` is in the raciflow namespace (under any prefix).
bool Loader::is_raci(pugi::xml_node element, pugi::xml_attribute attr) {
  std::string_view prefix = prefix_of(attr.name());
  return !prefix.empty() && prefix != "xmlns" && namespace_for(element, prefix) == kRaciNamespace;
}

std::string Loader::label(pugi::xml_node element) {
  std::string id = element.attribute("id").value();
  return id.empty() ? std::string(element.attribute("name").value()) : id;
}

// Every attribute of the elements in the feature table (definitions/features.h): those
// marked "loaded with a warning" and unknown BPMN attributes are warned about once per
// element and attribute; attributes of other vendors' namespaces once per namespace.
void Loader::check_attributes(pugi::xml_node root) {
  std::set<std::string> reported;
  std::vector<pugi::xml_node> stack{root};
  while (!stack.empty()) {
    pugi::xml_node el = stack.back();
    stack.pop_back();
    if (!is_bpmn(el)) continue;  // extension elements, diagrams: not ours
    std::string_view element = local_name(el.name());
    bool in_table = element_in_table(element);
    std::string id = el.attribute("id").value();
    std::string what = "<" + std::string(element) + ">" + (id.empty() ? "" : " '" + id + "'");
    for (pugi::xml_attribute attr : el.attributes()) {
      std::string_view name = attr.name();
      std::string_view prefix = prefix_of(name);
      if (name == "xmlns" || prefix == "xmlns") continue;
      if (!prefix.empty()) {
        std::string_view ns = namespace_for(el, prefix);
        if (ns == kRaciNamespace || ns == "http://www.w3.org/2001/XMLSchema-instance" ||
            ns == "http://www.w3.org/XML/1998/namespace" || ns == kModelerNamespace)
          continue;
        if (ns == kCamundaNamespace && (local_name(name) == "candidateGroups" || local_name(name) == "assignee")) continue;
        if (ns == kCamundaNamespace && element == "businessRuleTask" && camunda_decision_attributes().count(std::string(local_name(name))))
          continue;  // read by load_called_decision
        if (reported.insert("ns " + std::string(ns)).second)
          diag_.warning(line(el), id,
                        Phrase{"bpmn.foreign_attributes",
                               {{"namespace", ns.empty() ? std::string(prefix) : std::string(ns)}, {"attribute", std::string(name)}, {"element", what}},
                               ""});
        continue;
      }
      // Elements outside the table (data, artifacts, collaboration) and those loaded with a
      // warning are reported as elements, not attribute by attribute.
      if (!in_table) continue;
      if (const Feature* own = attribute_feature(element, ""); own && own->support == Support::warned) continue;
      const Feature* f = attribute_feature(element, name);
      std::string key = std::string(element) + "@" + std::string(name);
      if (!f) {
        if (reported.insert(key).second)
          diag_.warning(line(el), id, Phrase{"bpmn.unknown_attribute", {{"attribute", std::string(name)}, {"element", what}}, ""});
      } else if (f->support == Support::warned && (f->harmless.empty() || attr.value() != f->harmless) &&
                 reported.insert(key).second) {
        diag_.warning(line(el), id, std::string(name) + " on " + what + " is loaded but not executed: " + std::string(f->note) +
                                        "; further ones are not reported");
      }
    }
    for (pugi::xml_node c = el.last_child(); c; c = c.previous_sibling())
      if (c.type() == pugi::node_element) stack.push_back(c);
  }
}

// Ids must be unique across the model and its diagram.
void Loader::collect_ids(pugi::xml_node root) {
  std::unordered_map<std::string, int> seen;
  std::vector<pugi::xml_node> stack{root};
  while (!stack.empty()) {
    pugi::xml_node el = stack.back();
    stack.pop_back();
    std::string_view ns = namespace_of(el);
    bool ours = ns == kBpmnNamespace || ns == kDiNamespace;
    if (ours) {
      if (pugi::xml_attribute id = el.attribute("id"); id && *id.value()) {
        elements_.emplace(id.value(), el);
        auto [it, inserted] = seen.emplace(id.value(), line(el));
        if (!inserted)
          diag_.error(line(el), el.attribute("id").value(),
                      Phrase{"bpmn.duplicate_id", {{"id", std::string(id.value())}, {"line", std::to_string(it->second)}}, ""});
      }
    }
    if (local_name(el.name()) == "extensionElements") continue;  // foreign ids are not ours to judge
    // push in reverse so that findings come in document order
    std::vector<pugi::xml_node> children;
    for (pugi::xml_node c : el.children())
      if (c.type() == pugi::node_element) children.push_back(c);
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(*it);
  }
}

void Loader::load_collaboration(pugi::xml_node collaboration) {
  for (pugi::xml_node child : collaboration.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = local_name(child.name());
    if (!is_bpmn(child)) {
      if (name != "extensionElements") unknown_element(child);
      continue;
    }
    if (name == "participant") {
      out_.participants.push_back({child.attribute("id").value(), child.attribute("name").value(),
                                   child.attribute("processRef").value(), line(child)});
    } else if (name == "messageFlow") {
      ++out_.message_flow_count;
    } else if (name == "documentation" || name == "extensionElements" || name == "association" || is_data_or_artifact(name)) {
    } else {
      diag_.warning(line(child), child.attribute("id").value(), Phrase{"bpmn.collaboration_not_executed", {{"element", std::string(name)}}, ""});
    }
  }
}

void Loader::load_process(pugi::xml_node element) {
  Process process;
  process.id = element.attribute("id").value();
  process.name = element.attribute("name").value();
  process.line = line(element);
  std::string_view executable = element.attribute("isExecutable").value();
  process.executable = executable != "false";
  for (pugi::xml_attribute attr : element.attributes()) {
    if (!is_raci(element, attr)) continue;
    std::string_view name = local_name(attr.name());
    if (name == "agenda") {
      process.agenda = trim(attr.value());
      static const char* const kSections[] = {"ongoing", "incidents", "deviations", "threats", "policies", "review"};
      if (std::find(std::begin(kSections), std::end(kSections), process.agenda) == std::end(kSections))
        diag_.error(process.line, process.id, "raci:agenda of process '" + process.id + "' is '" + process.agenda +
                                      "'; expected ongoing, incidents, deviations, threats, policies or review");
    } else if (name == "register") {
      process.keeps.id = trim(attr.value());
    } else {
      diag_.warning(process.line, process.id,
                    Phrase{"bpmn.unknown_raci_attribute", {{"attribute", std::string(name)}, {"owner", Words{"process '" + process.id + "'", "processen '" + process.id + "'"}}}, ""});
    }
  }
  process_ = &process;
  data_kinds_.clear();
  load_register(element);
  load_scope(element, -1);
  resolve_lanes();
  resolve_raci();
  for (std::size_t i = 0; i < process.nodes.size(); ++i) process.index.emplace(process.nodes[i].id, static_cast<int>(i));
  for (std::size_t f = 0; f < process.flows.size(); ++f) process.flow_ids.emplace(process.flows[f].id, static_cast<int>(f));
  for (const auto& a : associations_) {
    int source = process.node_index(a.source);
    if (source >= 0 && process.nodes[source].kind == NodeKind::boundary_event &&
        process.nodes[source].trigger == EventTrigger::compensate)
      process.nodes[source].compensation_handler = a.target;
    else
      note_data(a.element, "association");
  }
  associations_.clear();
  for (std::size_t f = 0; f < process.flows.size(); ++f) {
    SequenceFlow& flow = process.flows[f];
    flow.source = process.node_index(flow.source_ref);
    flow.target = process.node_index(flow.target_ref);
    if (flow.source >= 0) process.nodes[flow.source].outgoing.push_back(static_cast<int>(f));
    if (flow.target >= 0) process.nodes[flow.target].incoming.push_back(static_cast<int>(f));
  }
  out_.processes.push_back(std::move(process));
  process_ = nullptr;
}

// The children of a process or sub-process. `scope` is the sub-process node index.
void Loader::load_scope(pugi::xml_node container, int scope) {
  for (pugi::xml_node child : container.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = local_name(child.name());
    if (!is_bpmn(child)) {
      unknown_element(child);
      continue;
    }
    if (auto kind = node_kinds().find(name); kind != node_kinds().end()) {
      load_node(child, kind->second, scope);
    } else if (name == "sequenceFlow") {
      load_flow(child, scope);
    } else if (name == "laneSet") {
      load_lane_set(child, -1);
    } else if (name == "documentation" || name == "extensionElements" || name == "incoming" ||
               name == "outgoing" || name == "completionCondition") {
    } else if (name.find("LoopCharacteristics") != std::string_view::npos && scope >= 0) {
      // handled by load_node for the sub-process itself
    } else if (name == "association") {
      // Links a compensation boundary to its handler; otherwise an artifact (reported below).
      associations_.push_back({child.attribute("sourceRef").value(), child.attribute("targetRef").value(), child});
    } else if (is_data_or_artifact(name)) {
      note_data(child, name);
    } else if (is_event_definition(name) && scope >= 0) {
      // belongs to the sub-process element (rare); load_node reports it
    } else {
      unknown_element(child);
    }
  }
}

void Loader::load_flow(pugi::xml_node element, int scope) {
  SequenceFlow flow;
  flow.id = element.attribute("id").value();
  flow.name = element.attribute("name").value();
  flow.source_ref = element.attribute("sourceRef").value();
  flow.target_ref = element.attribute("targetRef").value();
  flow.line = line(element);
  flow.scope = scope;
  if (flow.id.empty()) diag_.error(flow.line, flow.id, Phrase{"bpmn.flow_no_id", {}, ""});
  for (pugi::xml_attribute attr : element.attributes()) {
    if (!is_raci(element, attr)) continue;
    if (local_name(attr.name()) == "label")
      flow.label = trim(attr.value());
    else
      diag_.warning(flow.line, flow.id,
                    Phrase{"bpmn.unknown_raci_attribute",
                           {{"attribute", std::string(local_name(attr.name()))}, {"owner", Words{"sequence flow '" + flow.id + "'", "sekvensflowet '" + flow.id + "'"}}},
                           ""});
  }
  for (pugi::xml_node child : element.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = local_name(child.name());
    if (!is_bpmn(child)) {
      unknown_element(child);
    } else if (name == "conditionExpression") {
      flow.condition = load_condition(child, flow.id);
    } else if (name != "documentation" && name != "extensionElements") {
      unknown_element(child);
    }
  }
  process_->flows.push_back(std::move(flow));
}

void Loader::load_lane_set(pugi::xml_node lane_set, int parent_lane) {
  for (pugi::xml_node child : lane_set.children()) {
    if (child.type() != pugi::node_element) continue;
    if (!is_bpmn(child) || local_name(child.name()) != "lane") {
      if (local_name(child.name()) != "documentation" && local_name(child.name()) != "extensionElements")
        unknown_element(child);
      continue;
    }
    Lane lane;
    lane.id = child.attribute("id").value();
    lane.name = child.attribute("name").value();
    lane.line = line(child);
    lane.parent = parent_lane;
    lane.role = lane.id;
    for (pugi::xml_attribute attr : child.attributes()) {
      if (is_raci(child, attr)) {
        if (local_name(attr.name()) == "role")
          lane.role = trim(attr.value());
        else
          diag_.warning(lane.line, lane.id,
                        Phrase{"bpmn.unknown_raci_attribute",
                               {{"attribute", std::string(local_name(attr.name()))}, {"owner", Words{"lane '" + lane.id + "'", "banen '" + lane.id + "'"}}},
                               ""});
      }
    }
    if (lane.role.empty()) diag_.error(lane.line, lane.id, Phrase{"bpmn.lane_no_role", {}, ""});
    int index = static_cast<int>(process_->lanes.size());
    if (parent_lane >= 0) process_->lanes[parent_lane].has_children = true;
    std::vector<pugi::xml_node> child_sets;
    for (pugi::xml_node c : child.children()) {
      if (c.type() != pugi::node_element) continue;
      std::string_view name = local_name(c.name());
      if (!is_bpmn(c)) {
        unknown_element(c);
      } else if (name == "flowNodeRef") {
        lane.node_refs.push_back(trim(c.text().get()));
      } else if (name == "childLaneSet") {
        child_sets.push_back(c);
      } else if (name != "documentation" && name != "extensionElements" && name != "partitionElement" &&
                 name != "partitionElementRef") {
        unknown_element(c);
      }
    }
    process_->lanes.push_back(std::move(lane));
    for (pugi::xml_node set : child_sets) load_lane_set(set, index);
  }
}

// Each node's role is the innermost lane that lists it; nodes inside a sub-process that
// no lane lists take the sub-process's role.
void Loader::resolve_lanes() {
  Process& p = *process_;
  std::unordered_map<std::string, std::pair<int, int>> best;  // node id -> (depth, lane)
  for (std::size_t l = 0; l < p.lanes.size(); ++l) {
    int depth = 0;
    for (int up = p.lanes[l].parent; up >= 0; up = p.lanes[up].parent) ++depth;
    for (const auto& ref : p.lanes[l].node_refs) {
      auto [it, inserted] = best.emplace(ref, std::make_pair(depth, static_cast<int>(l)));
      if (!inserted && depth > it->second.first) it->second = {depth, static_cast<int>(l)};
    }
    if (!p.find_role(p.lanes[l].role)) p.roles.push_back({p.lanes[l].role, p.lanes[l].name, p.lanes[l].line});
  }
  for (auto& node : p.nodes) {
    if (auto it = best.find(node.id); it != best.end())
      node.role = p.lanes[it->second.second].role;
    else if (node.parent >= 0)
      node.role = p.nodes[node.parent].role;  // parents precede children in document order
  }
}

void Loader::resolve_raci() {
  for (auto& node : process_->nodes) {
    if (!is_activity(node.kind)) continue;
    Raci& r = node.raci;
    if (!r.responsible_explicit && !node.role.empty()) r.responsible = {node.role};
    if (!r.accountable_explicit && r.responsible.size() == 1) r.accountable = r.responsible;
  }
}

// Loaded but not executed: say so once, on the element's line.
void Loader::report_unexecuted(const FlowNode& node) {
  std::string what;
  if (node.triggered_by_event && node.kind != NodeKind::sub_process)
    what = std::string("an event sub-process must be a plain subProcess; a triggered ") + element_name(node.kind) + " is not executed";
  if (node.multi && !repeats_as_instances(node.kind))
    what = "multi-instance " + std::string(element_name(node.kind)) +
           "s are not executed (tasks of every kind but receive tasks, sub-processes and call activities are)";
  if (is_event(node.kind) && !trigger_executed(node.kind, node.trigger, process_->place_of(node))) {
    what = std::string(trigger_name(node.trigger)) + " " + element_name(node.kind) + "s are not executed";
  }
  if (what.empty() && node.kind == NodeKind::business_rule_task && !node.called_decision && !refused_decisions_.count(node.id)) {
    diag_.warning(node.line, node.id, "businessRuleTask '" + node.id + "' names no decision (raci:decision and raci:resultVariable, "
                                      "zeebe:calledDecision or camunda:decisionRef), so it passes through");
    return;
  }
  if (what.empty()) {
    // Kinds the feature table marks as loaded with a warning: once per kind and process.
    const Feature* f = attribute_feature(element_name(node.kind), "");
    if (!f || f->support != Support::warned || !warned_kinds_.insert(process_->id + " " + element_name(node.kind)).second) return;
    diag_.warning(node.line, node.id, std::string(element_name(node.kind)) + " '" + node.id + "' is loaded but not executed: " +
                                          std::string(f->note) + "; further " + element_name(node.kind) + "s in process '" +
                                          process_->id + "' are not reported");
    return;
  }
  diag_.warning(node.line, node.id, std::string(element_name(node.kind)) + " '" + node.id + "' is loaded but not executed: " + what);
}

}  // namespace loading

using loading::Loader;

std::optional<Definitions> load_text(std::string xml, const std::string& name, Diagnostics& diagnostics) {
  auto source = XmlSource::from_text(std::move(xml), diagnostics);
  if (!source) return std::nullopt;
  return Loader(*source, diagnostics, name).load();
}

std::optional<Definitions> load_file(const std::string& path, Diagnostics& diagnostics) {
  auto source = XmlSource::read_file(path, diagnostics);
  if (!source) return std::nullopt;
  return Loader(*source, diagnostics, path).load();
}

}  // namespace raciflow::definitions
