#include "definitions/loader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "definitions/features.h"
#include "definitions/xml_source.h"

namespace raciflow::definitions {
namespace {

constexpr const char* kDiNamespace = "http://www.omg.org/spec/BPMN/20100524/DI";

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

class Loader {
 public:
  Loader(const XmlSource& source, Diagnostics& diagnostics, std::string file)
      : source_(source), diag_(diagnostics) {
    out_.file = std::move(file);
  }

  std::optional<Definitions> load() {
    pugi::xml_node root = source_.document().document_element();
    if (!root) {
      diag_.error(1, "malformed XML: no root element");
      return std::nullopt;
    }
    if (local_name(root.name()) != "definitions" || namespace_of(root) != kBpmnNamespace) {
      std::string_view ns = namespace_of(root);
      diag_.error(line(root), "not a BPMN 2.0 file: the root element is <" + std::string(root.name()) + "> in " +
                                  (ns.empty() ? std::string("no namespace") : "namespace " + std::string(ns)) +
                                  "; expected <definitions> in " + kBpmnNamespace);
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
      } else if (name == "choreography" || name == "conversation" || name.substr(0, 6) == "global") {
        diag_.warning(line(child), child.attribute("id").value(), "<" + std::string(name) + "> '" + label(child) + "' is loaded but not executed");
      } else {
        unknown_element(child);
      }
    }
    return std::move(out_);
  }

 private:
  int line(pugi::xml_node node) const { return source_.line_of(node); }

  // Whether `attr` of `element` is in the raciflow namespace (under any prefix).
  static bool is_raci(pugi::xml_node element, pugi::xml_attribute attr) {
    std::string_view prefix = prefix_of(attr.name());
    return !prefix.empty() && prefix != "xmlns" && namespace_for(element, prefix) == kRaciNamespace;
  }

  std::map<std::string, pugi::xml_node> root_event_definitions_;  // id -> <...EventDefinition> at the root

  static std::string label(pugi::xml_node element) {
    std::string id = element.attribute("id").value();
    return id.empty() ? std::string(element.attribute("name").value()) : id;
  }

  // Every attribute of the elements in the feature table (definitions/features.h): those
  // marked "loaded with a warning" and unknown BPMN attributes are warned about once per
  // element and attribute; attributes of other vendors' namespaces once per namespace.
  void check_attributes(pugi::xml_node root) {
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
              ns == "http://www.w3.org/XML/1998/namespace")
            continue;
          if (reported.insert("ns " + std::string(ns)).second)
            diag_.warning(line(el), id, "attributes in namespace " + (ns.empty() ? std::string(prefix) : std::string(ns)) + " (first: " +
                                            std::string(name) + " on " + what + ") are not executed by raciflow; further ones are not reported");
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
            diag_.warning(line(el), id, "attribute " + std::string(name) + " on " + what +
                                            " is not BPMN 2.0 as raciflow reads it and is ignored; further ones are not reported");
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

  void unknown_element(pugi::xml_node element) {
    std::string_view ns = namespace_of(element);
    diag_.warning(line(element), element.attribute("id").value(), "unknown element <" + std::string(element.name()) + ">" +
                                     (ns.empty() || ns == kBpmnNamespace ? "" : " (" + std::string(ns) + ")") +
                                     " is ignored");
  }

  // Ids must be unique across the model and its diagram.
  void collect_ids(pugi::xml_node root) {
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
            diag_.error(line(el), el.attribute("id").value(), std::string("duplicate id '") + id.value() + "' (first used on line " +
                                      std::to_string(it->second) + ")");
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

  void load_collaboration(pugi::xml_node collaboration) {
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
        diag_.warning(line(child), child.attribute("id").value(), "<" + std::string(name) + "> in a collaboration is loaded but not executed");
      }
    }
  }

  void load_process(pugi::xml_node element) {
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
      } else {
        diag_.warning(process.line, process.id, "unknown attribute raci:" + std::string(name) + " on process '" + process.id + "' is ignored");
      }
    }
    process_ = &process;
    data_kinds_.clear();
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
  void load_scope(pugi::xml_node container, int scope) {
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

  static bool is_event_definition(std::string_view name) {
    return event_definitions().count(name) > 0 || name == "eventDefinitionRef";
  }

  void note_data(pugi::xml_node element, std::string_view name) {
    if (!data_kinds_.insert(std::string(name)).second) return;
    bool resource = name == "performer" || name == "humanPerformer" || name == "potentialOwner" || name == "resourceRole";
    diag_.warning(line(element), element.attribute("id").value(), "<" + std::string(name) + "> in process '" + process_->id + "' is loaded but not executed" +
                                     (resource ? " (roles come from lanes and raci:* attributes)"
                                               : " (data and artifacts are documentation)") +
                                     "; further ones are not reported");
  }

  void load_node(pugi::xml_node element, NodeKind kind, int scope) {
    Process& p = *process_;
    int index = static_cast<int>(p.nodes.size());
    p.nodes.emplace_back();
    {
      FlowNode& node = p.nodes.back();
      node.id = element.attribute("id").value();
      node.name = element.attribute("name").value();
      node.kind = kind;
      node.line = line(element);
      node.parent = scope;
      if (kind == NodeKind::boundary_event) {
        node.attached_to = element.attribute("attachedToRef").value();
        node.cancel_activity = std::string_view(element.attribute("cancelActivity").value()) != "false";
      }
      if (kind == NodeKind::start_event) node.cancel_activity = std::string_view(element.attribute("isInterrupting").value()) != "false";
      node.parallel_multiple = std::string_view(element.attribute("parallelMultiple").value()) == "true";
      node.default_flow = element.attribute("default").value();
      node.called_element = element.attribute("calledElement").value();
      if (kind == NodeKind::receive_task || kind == NodeKind::send_task)
        node.message_ref = element.attribute("messageRef").value();
      if (kind == NodeKind::receive_task) node.instantiate = std::string_view(element.attribute("instantiate").value()) == "true";
      if (kind == NodeKind::ad_hoc_sub_process) {
        node.ordering_sequential = std::string_view(element.attribute("ordering").value()) == "Sequential";
        node.cancel_remaining = std::string_view(element.attribute("cancelRemainingInstances").value()) != "false";
      }
      node.triggered_by_event = std::string_view(element.attribute("triggeredByEvent").value()) == "true";
      node.is_for_compensation = std::string_view(element.attribute("isForCompensation").value()) == "true";
      node.start_quantity = quantity(element, "startQuantity", node);
      node.completion_quantity = quantity(element, "completionQuantity", node);
      if (node.id.empty()) diag_.error(node.line, node.id, std::string("<") + element_name(kind) + "> has no id");
      load_extension_attributes(element, node);
    }
    load_node_children(element, index);
    check_receives(p.nodes[index]);
    if (is_sub_process(kind)) load_scope(element, index);
    report_unexecuted(p.nodes[index]);
  }

  // raci:* attributes; anything else in the raciflow namespace is a mistake worth a warning.
  void load_extension_attributes(pugi::xml_node element, FlowNode& node) {
    for (pugi::xml_attribute attr : element.attributes()) {
      if (!is_raci(element, attr)) continue;
      std::string_view name = local_name(attr.name());
      std::string attr_name = "raci:" + std::string(name);
      bool activity = is_activity(node.kind);
      if (name == "label" && (node.kind == NodeKind::exclusive_gateway || node.kind == NodeKind::inclusive_gateway ||
                              node.kind == NodeKind::complex_gateway)) {
        node.label = trim(attr.value());
        continue;
      }
      if (name == "receives") {  // checked against the node's trigger once its children are read
        node.receives = split_words(attr.value());
        continue;
      }
      if (!activity && name != "role") {
        diag_.warning(node.line, node.id, attr_name + " on " + element_name(node.kind) + " '" + node.id +
                                     "' has no effect: RACI belongs to activities");
        continue;
      }
      bool human_only = name == "due" || name == "dueDate" || name == "remind" || name == "separateFrom";
      if (human_only && !is_human_task(node.kind)) {
        diag_.warning(node.line, node.id, attr_name + " on " + element_name(node.kind) + " '" + node.id +
                                              "' has no effect: only user and manual tasks fall due and are completed by a person");
        continue;
      }
      if (name == "responsible") {
        node.raci.responsible = split_words(attr.value());
        node.raci.responsible_explicit = true;
      } else if (name == "accountable") {
        node.raci.accountable = split_words(attr.value());
        node.raci.accountable_explicit = true;
      } else if (name == "consulted") {
        node.raci.consulted = split_words(attr.value());
      } else if (name == "informed") {
        node.raci.informed = split_words(attr.value());
      } else if (name == "due") {
        node.due_text = trim(attr.value());
        std::string why;
        node.due = parse_duration(node.due_text, &why);
        if (!node.due)
          diag_.error(node.line, node.id, "raci:due of '" + node.id + "' is not an ISO 8601 duration: '" + node.due_text +
                                     "' (" + why + ")");
      } else if (name == "separateFrom") {
        node.separate_from = split_words(attr.value());
      } else if (name == "iso") {
        node.iso = split_words(attr.value());
      } else if (name == "dueDate") {
        node.due_variable = trim(attr.value());
        if (!is_identifier(node.due_variable))
          diag_.error(node.line, node.id, "raci:dueDate of '" + node.id + "' must name a variable, not '" + node.due_variable + "'");
      } else if (name == "remind") {
        node.reminders_set = true;
        for (const auto& word : split_words(attr.value())) {
          std::string why;
          auto d = parse_duration(word, &why);
          if (!d || d->is_zero())
            diag_.error(node.line, node.id, "raci:remind of '" + node.id + "' holds '" + word + "', not a non-zero ISO 8601 duration" +
                                       (why.empty() ? "" : " (" + why + ")"));
          else
            node.reminders.push_back(*d);
        }
      } else if (name == "decides") {
        node.decides = trim(attr.value());
        if (!is_identifier(node.decides))
          diag_.error(node.line, node.id, "raci:decides of '" + node.id + "' must name a variable, not '" + node.decides + "'");
        else if (!is_human_task(node.kind))
          diag_.error(node.line, node.id, "raci:decides on '" + node.id + "' needs a user or manual task: a person decides");
      } else if (name == "gap") {
        if (!node.gap) node.gap = Gap{};
        node.gap->text = trim(attr.value());
      } else if (name == "gapWhen") {
        if (!node.gap) node.gap = Gap{};
        node.gap->when_text = trim(attr.value());
        Expression::SyntaxError error;
        node.gap->when = Expression::compile(node.gap->when_text, &error);
        if (!node.gap->when)
          diag_.error(node.line, node.id, "raci:gapWhen of '" + node.id + "' does not parse: " + error.message + " at column " +
                                     std::to_string(error.offset + 1) + " of '" + node.gap->when_text + "'");
      } else {
        diag_.warning(node.line, node.id, "unknown attribute " + attr_name + " on '" + node.id + "' is ignored");
      }
    }
    if (node.gap && (node.gap->text.empty() || node.gap->when_text.empty()))
      diag_.error(node.line, node.id, "'" + node.id + "' needs both raci:gap (the gap's text) and raci:gapWhen (when the answer reveals it)");
    if (node.gap && !is_human_task(node.kind))
      diag_.error(node.line, node.id, "raci:gap on '" + node.id + "' needs a user or manual task: a person answers the question");
  }

  // raci:receives belongs to a catch of a message or signal, and names variables.
  void check_receives(const FlowNode& node) {
    if (node.receives.empty()) return;
    bool catches = node.kind == NodeKind::receive_task ||
                   ((node.kind == NodeKind::start_event || node.kind == NodeKind::intermediate_catch_event ||
                     node.kind == NodeKind::boundary_event) &&
                    (node.trigger == EventTrigger::message || node.trigger == EventTrigger::signal));
    if (!catches)
      diag_.error(node.line, node.id, "raci:receives on '" + node.id +
                                          "' needs a start, catch or boundary event of a message or signal, or a receive task");
    for (const auto& name : node.receives)
      if (!is_identifier(name))
        diag_.error(node.line, node.id, "raci:receives of '" + node.id + "' must list variable names, not '" + name + "'");
  }

  void load_node_children(pugi::xml_node element, int index) {
    FlowNode* node = &process_->nodes[index];  // stable: no node is added while this runs
    std::vector<EventTrigger> triggers;
    for (pugi::xml_node child : element.children()) {
      if (child.type() != pugi::node_element) continue;
      std::string_view name = local_name(child.name());
      // A sub-process's content and anything unknown in it are load_scope's to report.
      bool sub_process = is_sub_process(node->kind);
      if (!is_bpmn(child)) {
        if (!sub_process) unknown_element(child);
        continue;
      }
      if (auto def = event_definitions().find(name); def != event_definitions().end()) {
        triggers.push_back(def->second);
        load_event_definition(child, def->second, *node);
      } else if (name == "eventDefinitionRef") {
        // A reference to an event definition at the root: as if it were written here.
        std::string ref = trim(child.text().get());
        auto it = root_event_definitions_.find(ref);
        if (it == root_event_definitions_.end()) {
          diag_.error(line(child), node->id, "eventDefinitionRef of '" + node->id + "' names '" + ref +
                                                 "', which is no event definition at the root of the file");
        } else {
          EventTrigger trigger = event_definitions().at(local_name(it->second.name()));
          triggers.push_back(trigger);
          load_event_definition(it->second, trigger, *node);
        }
      } else if (name == "documentation") {
        if (!node->documentation.empty()) node->documentation += "\n";
        node->documentation += trim(child.text().get());
      } else if (name == "extensionElements") {
        std::ostringstream xml;
        child.print(xml, "", pugi::format_raw);
        node->extension_xml = xml.str();
      } else if (name == "standardLoopCharacteristics") {
        node->loop = LoopKind::standard;
        if (pugi::xml_node cond = find_bpmn_child(child, "loopCondition")) node->loop_condition = load_condition(cond, node->id);
        std::string_view before = child.attribute("testBefore").value();
        if (before != "" && before != "true" && before != "false")
          diag_.error(line(child), node->id, "testBefore of '" + node->id + "' is '" + std::string(before) + "', not true or false");
        node->loop_test_before = before == "true";
        if (child.attribute("loopMaximum")) node->loop_maximum = at_least_one(child, "loopMaximum", *node);
      } else if (name == "multiInstanceLoopCharacteristics") {
        node->loop = std::string_view(child.attribute("isSequential").value()) == "true"
                         ? LoopKind::multi_instance_sequential
                         : LoopKind::multi_instance_parallel;
        node->multi = load_multi_instance(child, *node);
      } else if (name == "activationCondition" && node->kind == NodeKind::complex_gateway) {
        node->activation = load_condition(child, node->id);
      } else if (name == "completionCondition" && node->kind == NodeKind::ad_hoc_sub_process) {
        node->completion = load_condition(child, node->id);
      } else if (name == "incoming" || name == "outgoing" || name == "script" || name == "completionCondition") {
      } else if (is_data_or_artifact(name)) {
        note_data(child, name);
      } else if (!sub_process) {
        unknown_element(child);
      }
    }
    if (triggers.size() == 1) node->trigger = triggers.front();
    if (triggers.size() > 1) node->trigger = EventTrigger::multiple;
  }

  // The case variable an item-aware element stands for: the name of the data object,
  // property or data input with that id (through a data object reference), else the text
  // itself when it is a variable name.
  std::string data_variable(pugi::xml_node at, const std::string& ref, const std::string& owner) {
    std::string candidate = ref;
    if (auto it = elements_.find(ref); it != elements_.end()) {
      pugi::xml_node el = it->second;
      if (local_name(el.name()) == "dataObjectReference")
        if (auto target = elements_.find(el.attribute("dataObjectRef").value()); target != elements_.end()) el = target->second;
      std::string named = el.attribute("name").value();
      if (is_identifier(named)) candidate = named;
    }
    if (!is_identifier(candidate)) {
      diag_.error(line(at), owner, "<" + std::string(local_name(at.name())) + "> of '" + owner + "' names '" + ref +
                                       "', which is no variable name (letters, digits and _): name the data object so");
      return {};
    }
    return candidate;
  }

  MultiInstance load_multi_instance(pugi::xml_node element, const FlowNode& node) {
    MultiInstance mi;
    mi.line = line(element);
    for (pugi::xml_node c : element.children()) {
      if (c.type() != pugi::node_element) continue;
      std::string_view name = local_name(c.name());
      if (!is_bpmn(c)) {
        unknown_element(c);
      } else if (name == "loopCardinality") {
        mi.cardinality = load_condition(c, node.id);
      } else if (name == "completionCondition") {
        mi.completion = load_condition(c, node.id);
      } else if (name == "loopDataInputRef" || name == "loopDataOutputRef") {
        // BPMN's data form: a reference to a data object, property or data input whose
        // name (else id) is the case variable holding the list.
        std::string& into = name == "loopDataInputRef" ? mi.collection : mi.output_collection;
        if (!into.empty()) diag_.error(line(c), node.id, "the multi-instance of '" + node.id + "' names its list twice");
        into = data_variable(c, trim(c.text().get()), node.id);
      } else if (name == "inputDataItem" || name == "outputDataItem") {
        std::string& into = name == "inputDataItem" ? mi.element_variable : mi.output;
        std::string named = c.attribute("name").value();
        into = data_variable(c, is_identifier(named) ? named : std::string(c.attribute("id").value()), node.id);
      } else if (name != "documentation" && name != "extensionElements") {
        unknown_element(c);
      }
    }
    for (pugi::xml_attribute attr : element.attributes()) {
      if (!is_raci(element, attr)) continue;
      std::string_view name = local_name(attr.name());
      std::string value = trim(attr.value());
      auto variable = [&](std::string& into) {
        into = value;
        if (!is_identifier(value))
          diag_.error(mi.line, node.id, "raci:" + std::string(name) + " of '" + node.id + "' must name a variable, not '" + value + "'");
      };
      auto once = [&](std::string& into) {
        if (!into.empty()) diag_.error(mi.line, node.id, "the multi-instance of '" + node.id + "' gives raci:" + std::string(name) +
                                                             " and its BPMN data form both; choose one");
        variable(into);
      };
      if (name == "collection") once(mi.collection);
      else if (name == "elementVariable") once(mi.element_variable);
      else if (name == "outputVariable") once(mi.output);
      else if (name == "outputCollection") once(mi.output_collection);
      else if (name == "roleFromElement") {
        if (value != "true" && value != "false")
          diag_.error(mi.line, node.id, "raci:roleFromElement of '" + node.id + "' is '" + value + "', not true or false");
        mi.role_from_element = value == "true";
      } else {
        diag_.warning(mi.line, node.id, "unknown attribute raci:" + std::string(name) + " on the multi-instance of '" + node.id +
                                            "' is ignored");
      }
    }
    auto error = [&](const std::string& what) { diag_.error(mi.line, node.id, "the multi-instance of '" + node.id + "' " + what); };
    if (!mi.cardinality && mi.collection.empty())
      error("needs a loopCardinality or a raci:collection: how many instances?");
    if (mi.cardinality && !mi.collection.empty()) error("has both a loopCardinality and a raci:collection; choose one");
    if (!mi.element_variable.empty() && mi.collection.empty()) error("has a raci:elementVariable without a raci:collection");
    if (mi.role_from_element && mi.collection.empty()) error("takes its role from the element but has no raci:collection");
    if (mi.output.empty() != mi.output_collection.empty())
      error("needs both raci:outputVariable and raci:outputCollection, or neither");
    return mi;
  }

  // startQuantity or completionQuantity: a whole number of at least 1, default 1.
  int quantity(pugi::xml_node element, const char* attribute, const FlowNode& node) {
    return element.attribute(attribute) ? at_least_one(element, attribute, node) : 1;
  }

  // An attribute that must be a whole number of at least 1; 1 (and an error) when it is not.
  int at_least_one(pugi::xml_node element, const char* attribute, const FlowNode& node) {
    int value = 0;
    std::string_view text = element.attribute(attribute).value();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size() && value >= 1) return value;
    diag_.error(line(element), node.id, std::string(attribute) + " of '" + node.id + "' is '" + std::string(text) +
                                            "', not a whole number of at least 1");
    return 1;
  }

  pugi::xml_node find_bpmn_child(pugi::xml_node parent, std::string_view name) {
    for (pugi::xml_node c : parent.children())
      if (c.type() == pugi::node_element && local_name(c.name()) == name && is_bpmn(c)) return c;
    return {};
  }

  void load_event_definition(pugi::xml_node def, EventTrigger trigger, FlowNode& node) {
    switch (trigger) {
      case EventTrigger::message: node.message_ref = def.attribute("messageRef").value(); break;
      case EventTrigger::error: node.error_ref = def.attribute("errorRef").value(); break;
      case EventTrigger::link: node.link_name = def.attribute("name").value(); break;
      case EventTrigger::compensate:
        node.activity_ref = def.attribute("activityRef").value();
        node.wait_for_completion = std::string_view(def.attribute("waitForCompletion").value()) != "false";
        break;
      case EventTrigger::signal: node.signal_ref = def.attribute("signalRef").value(); break;
      case EventTrigger::escalation: node.escalation_ref = def.attribute("escalationRef").value(); break;
      case EventTrigger::timer: load_timer(def, node); break;
      case EventTrigger::conditional:
        if (pugi::xml_node cond = find_bpmn_child(def, "condition")) node.event_condition = load_condition(cond, node.id);
        break;
      default: break;
    }
  }

  void load_timer(pugi::xml_node def, FlowNode& node) {
    int found = 0;
    for (pugi::xml_node c : def.children()) {
      if (c.type() != pugi::node_element || !is_bpmn(c)) continue;
      std::string_view name = local_name(c.name());
      Timer timer;
      timer.text = trim(c.text().get());
      if (timer.text.empty()) continue;  // modelers write empty ones; reported as missing below
      std::string why;
      if (name == "timeDate") {
        timer.kind = Timer::Kind::date;
        timer.date = parse_date_time(timer.text, &why);
        if (!timer.date) bad_timer(c, node, name, timer.text, why);
      } else if (name == "timeDuration") {
        timer.kind = Timer::Kind::duration;
        timer.duration = parse_duration(timer.text, &why);
        if (!timer.duration) bad_timer(c, node, name, timer.text, why);
      } else if (name == "timeCycle") {
        timer.kind = Timer::Kind::cycle;
        timer.cycle = parse_cycle(timer.text, &why);
        if (!timer.cycle) bad_timer(c, node, name, timer.text, why);
      } else {
        continue;
      }
      ++found;
      node.timer = std::move(timer);
    }
    if (found == 1 && node.timer->kind == Timer::Kind::cycle && node.timer->cycle && node.kind == NodeKind::intermediate_catch_event &&
        node.timer->cycle->repetitions != 1)
      diag_.warning(line(def), node.id, "timeCycle of '" + node.id + "' repeats, but an intermediate catch event fires once: "
                                        "only its first time is used (write R1/..., or a timeDuration)");
    if (found == 0) diag_.error(line(def), node.id, "timer of '" + node.id + "' has no timeDate, timeDuration or timeCycle with a value");
    if (found > 1) diag_.error(line(def), node.id, "timer of '" + node.id + "' has more than one of timeDate, timeDuration, timeCycle");
  }

  void bad_timer(pugi::xml_node at, const FlowNode& node, std::string_view what, const std::string& text,
                 const std::string& why) {
    const char* kind = what == "timeDate" ? "date" : what == "timeCycle" ? "repeating interval" : "duration";
    diag_.error(line(at), node.id, std::string(what) + " of '" + node.id + "' is not an ISO 8601 " + kind + ": '" + text +
                              "' (" + why + ")");
  }

  std::optional<Condition> load_condition(pugi::xml_node element, const std::string& owner) {
    Condition c;
    c.text = element.text().get();
    c.line = line(element);
    c.language = element.attribute("language").value();
    if (c.language.empty()) c.language = expression_language_;
    if (trim(c.text).empty()) {
      diag_.warning(c.line, owner, "empty condition on '" + owner + "' is ignored");
      return std::nullopt;
    }
    if (!is_own_language(c.language)) {
      diag_.warning(c.line, owner, "condition on '" + owner + "' is in the expression language " + c.language +
                                " and is not evaluated; write it in raciflow's condition language");
      return c;
    }
    c.language.clear();
    Expression::SyntaxError error;
    c.compiled = Expression::compile(c.text, &error);
    if (!c.compiled) {
      // the text starts on the element's line; count the lines before the error
      int extra = static_cast<int>(std::count(c.text.begin(), c.text.begin() + std::min(error.offset, c.text.size()), '\n'));
      diag_.error(c.line + extra, owner, "condition on '" + owner + "' does not parse: " + error.message + " at column " +
                                      std::to_string(error.offset + 1) + " of '" + trim(c.text) + "'");
    }
    return c;
  }

  void load_flow(pugi::xml_node element, int scope) {
    SequenceFlow flow;
    flow.id = element.attribute("id").value();
    flow.name = element.attribute("name").value();
    flow.source_ref = element.attribute("sourceRef").value();
    flow.target_ref = element.attribute("targetRef").value();
    flow.line = line(element);
    flow.scope = scope;
    if (flow.id.empty()) diag_.error(flow.line, flow.id, "<sequenceFlow> has no id");
    for (pugi::xml_attribute attr : element.attributes()) {
      if (!is_raci(element, attr)) continue;
      if (local_name(attr.name()) == "label")
        flow.label = trim(attr.value());
      else
        diag_.warning(flow.line, flow.id, "unknown attribute raci:" + std::string(local_name(attr.name())) + " on sequence flow '" +
                                              flow.id + "' is ignored");
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

  void load_lane_set(pugi::xml_node lane_set, int parent_lane) {
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
            diag_.warning(lane.line, lane.id, "unknown attribute raci:" + std::string(local_name(attr.name())) + " on lane '" +
                                         lane.id + "' is ignored");
        }
      }
      if (lane.role.empty()) diag_.error(lane.line, lane.id, "lane has neither raci:role nor id");
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
  void resolve_lanes() {
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

  void resolve_raci() {
    for (auto& node : process_->nodes) {
      if (!is_activity(node.kind)) continue;
      Raci& r = node.raci;
      if (!r.responsible_explicit && !node.role.empty()) r.responsible = {node.role};
      if (!r.accountable_explicit && r.responsible.size() == 1) r.accountable = r.responsible;
    }
  }

  // Loaded but not executed: say so once, on the element's line.
  void report_unexecuted(const FlowNode& node) {
    std::string what;
    switch (node.kind) {
      case NodeKind::ad_hoc_sub_process:
        if (node.ordering_sequential) what = "an ad-hoc sub-process with ordering=\"Sequential\" is not executed (Parallel is)";
        if (!node.cancel_remaining) what = "an ad-hoc sub-process with cancelRemainingInstances=\"false\" is not executed";
        break;
      default: break;
    }
    if (node.triggered_by_event && node.kind != NodeKind::sub_process)
      what = std::string("an event sub-process must be a plain subProcess; a triggered ") + element_name(node.kind) + " is not executed";
    bool repeats = is_human_task(node.kind) || node.kind == NodeKind::sub_process || node.kind == NodeKind::call_activity;
    if (node.multi && !repeats)
      what = "multi-instance " + std::string(element_name(node.kind)) +
             "s are not executed (user and manual tasks, sub-processes and call activities are)";
    if (is_event(node.kind) && !trigger_executed(node.kind, node.trigger, process_->place_of(node))) {
      what = std::string(trigger_name(node.trigger)) + " " + element_name(node.kind) + "s are not executed";
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

  const XmlSource& source_;
  Diagnostics& diag_;
  Definitions out_;
  Process* process_ = nullptr;
  std::string expression_language_;
  std::set<std::string> data_kinds_;
  std::set<std::string> warned_kinds_;
  struct Association {
    std::string source, target;
    pugi::xml_node element;
  };
  std::vector<Association> associations_;  // of the process being loaded
  std::unordered_map<std::string, pugi::xml_node> elements_;  // BPMN elements by id  // "process kind": pass-through kinds already reported
};

}  // namespace

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
