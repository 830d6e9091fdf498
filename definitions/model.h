// The loaded definition: an immutable picture of a BPMN 2.0 file with the raciflow
// extension (urn:raciflow:1), as the loader read it.
//
// Ids are the file's ids. Every element keeps the line it was declared on, so that
// validation and the engine can point at it. Nodes and flows are stored in document
// order; a node's `parent` is the index of the sub-process that contains it (-1 at
// process level). RACI assignments are already resolved: R defaults to the lane's role,
// A defaults to R when R is one role; the `*_explicit` flags say what the file wrote.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "definitions/expression.h"
#include "definitions/iso8601.h"

namespace raciflow::definitions {

inline constexpr const char* kBpmnNamespace = "http://www.omg.org/spec/BPMN/20100524/MODEL";
inline constexpr const char* kRaciNamespace = "urn:raciflow:1";

enum class NodeKind : std::uint8_t {
  start_event,
  end_event,
  intermediate_catch_event,
  intermediate_throw_event,
  boundary_event,
  task,
  user_task,
  manual_task,
  service_task,
  script_task,
  send_task,
  receive_task,
  business_rule_task,
  call_activity,
  sub_process,
  transaction,
  ad_hoc_sub_process,
  exclusive_gateway,
  parallel_gateway,
  inclusive_gateway,
  event_based_gateway,
  complex_gateway,
};

// The BPMN element name of a kind ("userTask").
const char* element_name(NodeKind kind);
bool is_activity(NodeKind kind);
bool is_gateway(NodeKind kind);
bool is_event(NodeKind kind);
bool is_sub_process(NodeKind kind);  // sub_process, transaction, ad_hoc_sub_process
// User and manual tasks: wait states that a person in a role completes.
bool is_human_task(NodeKind kind);
// Sub-processes and call activities: their token waits while what they contain or call runs.
bool waits_for_content(NodeKind kind);
// Tasks, service, script, business-rule and send tasks: done as they are entered.
bool passes_through(NodeKind kind);
// Whether multiInstanceLoopCharacteristics on this kind is executed.
bool repeats_as_instances(NodeKind kind);

enum class EventTrigger : std::uint8_t {
  none, message, timer, error, terminate, signal, escalation, conditional, link, compensate, cancel, multiple
};
const char* trigger_name(EventTrigger trigger);

// Where an event sits: what a start event may be triggered by depends on it.
enum class EventPlace : std::uint8_t { process, sub_process, event_sub_process };

// Whether raciflow executes this kind of event with this trigger in this place. The
// loader warns about the rest; deploy refuses them.
bool trigger_executed(NodeKind kind, EventTrigger trigger, EventPlace place);

struct Timer {
  enum class Kind : std::uint8_t { date, duration, cycle };
  Kind kind = Kind::duration;
  std::string text;
  std::optional<TimePoint> date;
  std::optional<Duration> duration;
  std::optional<Cycle> cycle;
};

enum class LoopKind : std::uint8_t { none, standard, multi_instance_parallel, multi_instance_sequential };

// raci:consult: whether the Consulted roles must answer before the step completes.
enum class ConsultPolicy : std::uint8_t {
  alongside,  // the default: the Responsible may complete; unanswered roles are recorded (consultation_skipped)
  before,     // completion waits until each Consulted role has answered, or the Accountable waived it
};

struct Raci {
  std::vector<std::string> responsible, accountable, consulted, informed;
  ConsultPolicy consult = ConsultPolicy::alongside;
  bool responsible_explicit = false;
  // Where an explicit Responsible was written, as findings name it: empty for
  // raci:responsible, else another modeler's assignment ("camunda:candidateGroups", ...).
  std::string responsible_source;
  bool accountable_explicit = false;
};

struct Condition {
  std::string text;
  std::string language;  // empty: raciflow's own language
  int line = 0;
  std::optional<Expression> compiled;  // empty when the language is foreign or it did not parse
};

// multiInstanceLoopCharacteristics: how many instances, over what, until when.
struct MultiInstance {
  int line = 0;
  std::optional<Condition> cardinality;  // loopCardinality: a number
  std::string collection;                // raci:collection (or loopDataInputRef): a variable holding a list, one instance per item
  std::string element_variable;          // raci:elementVariable (or inputDataItem): each instance's item
  std::optional<Condition> completion;   // completionCondition, over the variables and nrOf*Instances
  std::string output;                    // raci:outputVariable: what each instance's completion sets ...
  std::string output_collection;         // raci:outputCollection: ... collected here, in instance order
  bool role_from_element = false;        // raci:roleFromElement="true": each instance's Responsible is its item
};

// raci:gap and raci:gapWhen: a checklist question whose answer can reveal a gap.
struct Gap {
  std::string text;                    // what is missing
  std::optional<Expression> when;      // over the variables once the task completes
  std::string when_text;
};

// One of a multiple event's event definitions: its trigger and what it names.
struct EventDefinition {
  EventTrigger trigger = EventTrigger::none;
  std::string ref;                      // the message, signal, escalation or error it names
  std::optional<Timer> timer;           // timer
  std::optional<Condition> condition;   // conditional
  int line = 0;
};

// The DMN decision a business-rule task evaluates (raci:decision, zeebe:calledDecision,
// camunda:decisionRef): found by its id, else its name, among the deployed decision models;
// its result lands in the case variable `result_variable`.
struct CalledDecision {
  std::string decision;
  std::string result_variable;
  int version = 0;  // 0: the latest deployed version of the model holding it; else that version
  // How the result is shaped: as DMN gives it (a value, an object for several outputs, a
  // list for the collecting hit policies), or as Camunda 7's camunda:mapDecisionResult says.
  enum class Mapping { dmn, single_entry, single_result, collect_entries, result_list };
  Mapping mapping = Mapping::dmn;
  std::string source;  // how the model names it, for findings ("raci:decision" ...)
  int line = 0;
};

struct FlowNode {
  std::string id;
  std::string name;
  NodeKind kind = NodeKind::task;
  int line = 0;
  int parent = -1;        // index of the enclosing sub-process node, -1 at process level
  std::string role;       // role id of the innermost lane holding the node (inherited
                          // from the enclosing sub-process); empty when in no lane
  std::string label;      // raci:label on a decision gateway: the question on a form

  // Events
  EventTrigger trigger = EventTrigger::none;
  std::string message_ref, error_ref, link_name;
  std::string activity_ref;             // compensation throws: the activity to compensate (empty: all)
  bool wait_for_completion = true;      // compensation throws: waitForCompletion
  std::string compensation_handler;     // compensation boundaries: the handler an association points to
  std::string signal_ref;
  std::string escalation_ref;
  std::optional<Timer> timer;
  std::optional<Condition> event_condition;  // conditionalEventDefinition: holds when it fires
  std::optional<Condition> activation;       // complex gateway: activationCondition
  std::optional<Condition> completion;       // ad-hoc sub-process: completionCondition
  bool ordering_sequential = false;          // ad-hoc sub-process: ordering="Sequential"
  bool cancel_remaining = true;              // ad-hoc sub-process: cancelRemainingInstances
  std::string attached_to;     // boundary events
  bool cancel_activity = true; // boundary events (cancelActivity) and event sub-process starts
                               // (isInterrupting): interrupting?
  bool parallel_multiple = false;
  // A multiple event (trigger == multiple): each of its event definitions, in document
  // order. Any one fires it, or all of them when parallel_multiple; a throw throws each.
  std::vector<EventDefinition> alternatives;

  // Activities and gateways
  std::string default_flow;
  std::string called_element;  // call activities
  bool triggered_by_event = false;   // event sub-process
  bool instantiate = false;          // receive task: its message starts the process
  bool is_for_compensation = false;
  LoopKind loop = LoopKind::none;
  std::optional<Condition> loop_condition;
  std::optional<MultiInstance> multi;  // with loop == multi_instance_*
  bool loop_test_before = false;       // standard loop: test the condition before the first run too
  std::optional<int> loop_maximum;     // standard loop: at most this many runs
  int start_quantity = 1, completion_quantity = 1;

  // raciflow extension
  Raci raci;
  std::optional<Duration> due;
  std::string due_text;
  std::vector<std::string> separate_from;
  std::optional<Gap> gap;                // human tasks only
  std::vector<std::string> iso;
  std::string due_variable;              // raci:dueDate: a variable holding the due date
  std::vector<Duration> reminders;       // raci:remind: remind this long before the due date
  bool reminders_set = false;            // raci:remind given (possibly empty: no reminders)
  std::string decides;                   // raci:decides: a variable listing decisions on other cases
  std::string assignee;                  // camunda:assignee, zeebe assignee: the person a task goes to at once
  // The id of the form-js form a user task shows (raci:form, zeebe:formDefinition formId),
  // deployed beside the definition; empty: the task asks for its decision fields only.
  std::string form;
  std::optional<CalledDecision> called_decision;  // business-rule tasks
  // raci:receives on a message or signal catch: the variables a throw from another case
  // passes into this case (nothing else of the thrower's variables does).
  std::vector<std::string> receives;

  std::string documentation;
  std::string extension_xml;   // <extensionElements> as written, kept for adapters

  std::vector<int> incoming, outgoing;  // indices into Process::flows

  bool is_in_sub_process() const { return parent >= 0; }
};

struct SequenceFlow {
  std::string id;
  std::string name;
  std::string label;  // raci:label: the answer this flow stands for on a form (else its name)
  std::string source_ref, target_ref;
  int source = -1, target = -1;  // node indices, -1 when the ref is unknown
  int line = 0;
  int scope = -1;                // enclosing sub-process node index, -1 at process level
  std::optional<Condition> condition;
};

struct Lane {
  std::string id;
  std::string role;      // raci:role, else id
  std::string name;
  int line = 0;
  int parent = -1;       // index of the enclosing lane in Process::lanes
  bool has_children = false;
  std::vector<std::string> node_refs;
};

struct Role {
  std::string id;
  std::string name;
  int line = 0;
};

// A register the cases of a process keep (docs/registers.md): raci:register="ID" on the
// process names it; a <raci:register> in the process's extensionElements declares its
// columns, their labels in Danish and English, and its heat map.
struct RegisterColumn {
  std::string variable;  // a case variable, or a path into one: "risk.level"
  std::string label, label_da;
  std::string type = "text";  // text, number, yesno, date, role, list
  bool carry = false;  // carry="true": a re-assessment starts with the value of the version before
  int line = 0;
};

struct RegisterHeatMap {
  // The variables holding the scores (1..size) before and after treatment; the residual
  // pair may be empty. `above` names a yes/no variable that says the (residual) risk is
  // above the acceptance level.
  std::string likelihood, impact, residual_likelihood, residual_impact, above;
  int size = 0;  // 0: no heat map
};

struct RegisterDeclaration {
  std::string id;  // raci:register
  std::string name, name_da;
  std::string review;  // ISO 8601 duration: an entry is due for re-assessment this long after its last one
  std::vector<RegisterColumn> columns;
  RegisterHeatMap heat_map;
  int line = 0;
  bool declared = false;  // a <raci:register> element gave the columns
};

struct Process {
  std::string id;
  std::string name;
  int line = 0;
  bool executable = true;  // isExecutable, default true
  std::string agenda;      // raci:agenda: the committee agenda section its cases belong to
  RegisterDeclaration keeps;  // the register its cases are entries of; id empty: none
  std::vector<FlowNode> nodes;
  std::vector<SequenceFlow> flows;
  std::vector<Lane> lanes;
  std::vector<Role> roles;  // one per distinct lane role id, in document order

  const FlowNode* find_node(const std::string& id) const;
  int node_index(const std::string& id) const;  // -1 when unknown
  const Role* find_role(const std::string& id) const;
  EventPlace place_of(const FlowNode& node) const;
  int flow_index(const std::string& id) const;  // -1 when unknown
  std::unordered_map<std::string, int> index;   // node id -> index
  std::unordered_map<std::string, int> flow_ids;  // sequence flow id -> index into flows
};

struct Participant {
  std::string id, name, process_ref;
  int line = 0;
};

struct Message {
  std::string id, name;
  int line = 0;
};

struct ErrorDefinition {
  std::string id, name, code;
  int line = 0;
};

struct Definitions {
  std::string file;
  std::string id, name, target_namespace;
  std::vector<Process> processes;
  std::vector<Participant> participants;
  std::vector<Message> messages;
  std::vector<Message> signals;  // <signal id name>: broadcast by name
  std::vector<ErrorDefinition> errors;
  std::vector<ErrorDefinition> escalations;  // <escalation id name escalationCode>
  int message_flow_count = 0;

  const Process* find_process(const std::string& id) const;
};

}  // namespace raciflow::definitions
