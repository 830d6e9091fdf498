// The BPMN loader's room: the Loader that reads one XML file into the model, shared by
// loader.cpp (the file, processes, lanes, flows, RACI) and loader_nodes.cpp (each flow
// node and its event definitions, loops and extension attributes). Internal to definitions/.
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "definitions/loader.h"
#include "definitions/features.h"
#include "definitions/xml_source.h"

namespace raciflow::definitions::loading {

constexpr const char* kDiNamespace = "http://www.omg.org/spec/BPMN/20100524/DI";
// Other modelers' namespaces: Camunda 7's and Camunda 8's execution attributes, and the
// Camunda Modeler's own (which only say what the file was drawn for).
constexpr std::string_view kCamundaNamespace = "http://camunda.org/schema/1.0/bpmn";
constexpr std::string_view kZeebeNamespace = "http://camunda.org/schema/zeebe/1.0";
constexpr std::string_view kModelerNamespace = "http://camunda.org/schema/modeler/1.0";
// Expression languages that mean "raciflow's own condition language".
bool is_own_language(std::string_view language);
std::string_view local_name(std::string_view qname);
std::string_view prefix_of(std::string_view qname);
// The namespace URI bound to `prefix` (empty prefix: the default namespace) where `node` is.
std::string_view namespace_for(pugi::xml_node node, std::string_view prefix);
std::string_view namespace_of(pugi::xml_node element);
bool is_bpmn(pugi::xml_node element);
std::vector<std::string> split_words(std::string_view text);
// A variable name as conditions use it: a letter or '_', then letters, digits or '_'.
bool is_identifier(std::string_view s);
std::string trim(std::string_view s);
const std::unordered_map<std::string_view, NodeKind>& node_kinds();
const std::unordered_map<std::string_view, EventTrigger>& event_definitions();
// Root-level supporting definitions that flows refer to; loaded or safely unused.
bool is_supporting_definition(std::string_view name);

class Loader {
 public:
  Loader(const XmlSource& source, Diagnostics& diagnostics, std::string file)
      : source_(source), diag_(diagnostics) {
    out_.file = std::move(file);
  }

  std::optional<Definitions> load();

 private:
  int line(pugi::xml_node node) const { return source_.line_of(node); }

  static bool is_raci(pugi::xml_node element, pugi::xml_attribute attr);

  std::map<std::string, pugi::xml_node> root_event_definitions_;  // id -> <...EventDefinition> at the root

  static std::string label(pugi::xml_node element);

  void check_attributes(pugi::xml_node root);

  void unknown_element(pugi::xml_node element);

  void collect_ids(pugi::xml_node root);

  void load_collaboration(pugi::xml_node collaboration);

  void load_process(pugi::xml_node element);

  void load_scope(pugi::xml_node container, int scope);
  // loader_register.cpp: raci:register's declaration in the process's extensionElements.
  void load_register(pugi::xml_node process_element);

  static bool is_event_definition(std::string_view name);

  void note_data(pugi::xml_node element, std::string_view name);

  void load_node(pugi::xml_node element, NodeKind kind, int scope);

  void load_extension_attributes(pugi::xml_node element, FlowNode& node);

  // loader_assignments.cpp
  void load_assignments(pugi::xml_node element, FlowNode& node);
  // zeebe:formDefinition, and raci:form: the form-js form a user task shows.
  void load_form_definition(pugi::xml_node element, FlowNode& node);
  void set_form(FlowNode& node, const std::string& form, const std::string& source, int at);

  // loader_decisions.cpp: the DMN decision a business-rule task evaluates, as raciflow,
  // Camunda 8 and Camunda 7 write it.
  void load_called_decision(pugi::xml_node element, FlowNode& node);
  // The camunda: attributes of a business-rule task that load_called_decision reads.
  static const std::set<std::string>& camunda_decision_attributes();
  std::set<std::string> refused_decisions_;  // tasks whose called decision was refused: no "names no decision" warning

  void check_receives(const FlowNode& node);

  void load_node_children(pugi::xml_node element, int index);

  std::string data_variable(pugi::xml_node at, const std::string& ref, const std::string& owner);

  MultiInstance load_multi_instance(pugi::xml_node element, const FlowNode& node);

  int quantity(pugi::xml_node element, const char* attribute, const FlowNode& node);

  int at_least_one(pugi::xml_node element, const char* attribute, const FlowNode& node);

  pugi::xml_node find_bpmn_child(pugi::xml_node parent, std::string_view name);

  void load_event_definition(pugi::xml_node def, EventTrigger trigger, FlowNode& node);
  static EventDefinition alternative(const FlowNode& node, EventTrigger trigger, int at);

  void load_timer(pugi::xml_node def, FlowNode& node);

  void bad_timer(pugi::xml_node at, const FlowNode& node, std::string_view what, const std::string& text,
                 const std::string& why);

  std::optional<Condition> load_condition(pugi::xml_node element, const std::string& owner);

  void load_flow(pugi::xml_node element, int scope);

  void load_lane_set(pugi::xml_node lane_set, int parent_lane);

  void resolve_lanes();

  void resolve_raci();

  void report_unexecuted(const FlowNode& node);

  static std::optional<NodeKind> global_task_kind(std::string_view element);
  void resolve_global_tasks();

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
  std::map<std::string, pugi::xml_node> globals_;  // global tasks at the root, by id
  std::unordered_map<std::string, pugi::xml_node> elements_;  // BPMN elements by id  // "process kind": pass-through kinds already reported
};

}  // namespace raciflow::definitions::loading
