#include "definitions/features.h"

#include <array>

#include "definitions/model.h"

namespace raciflow::definitions {

namespace {

using S = Support;

constexpr Feature kFeatures[] = {
    {"*", "id", S::executed, "names the element in findings, the trail and the API"},
    {"*", "name", S::documentation, "shown to people"},
    {"definitions", "", S::executed, "one file; its processes deploy one by one"},
    {"collaboration", "", S::documentation, "pools: a participant names its process; message flows are drawn, not needed"},
    {"laneSet", "", S::executed, "the roles of a process"},
    {"childLaneSet", "", S::executed, "nested lanes: a step's role is the innermost lane that lists it"},
    {"flowNodeRef", "", S::executed, "puts a step in a lane"},
    {"message", "", S::executed, "matched by its name, else its id"},
    {"signal", "", S::executed, "broadcast by its name, else its id"},
    {"error", "", S::executed, "thrown by error end events, caught by boundaries and event sub-processes"},
    {"escalation", "", S::executed, "thrown by escalation events, caught by boundaries and event sub-processes"},
    {"eventDefinitionRef", "", S::executed, "names an event definition at the root of the file, used as if written in the event"},
    {"documentation", "", S::documentation, "kept and shown"},
    {"extensionElements", "", S::documentation, "kept as raw XML, never required"},
    {"definitions", "targetNamespace", S::documentation, ""},
    {"definitions", "expressionLanguage", S::executed,
     "conditions in another language than raciflow's are warned about at load and refused at deploy"},
    {"definitions", "typeLanguage", S::documentation, ""},
    {"definitions", "exporter", S::documentation, ""},
    {"definitions", "exporterVersion", S::documentation, ""},
    {"definitions", "modeler:executionPlatform", S::documentation, "the Camunda Modeler's note of the engine it drew for"},
    {"definitions", "modeler:executionPlatformVersion", S::documentation, ""},
    {"process", "", S::executed, "one lane per role"},
    {"process", "isExecutable", S::executed, "`false`: validated, never deployed"},
    {"process", "isClosed", S::warned, "raciflow does not restrict which messages a case may receive", "false"},
    {"process", "processType", S::documentation, ""},
    {"lane", "", S::executed, "its `raci:role` (else its id) is the role of the steps it lists"},
    {"lane", "partitionElementRef", S::warned, "roles come from `raci:role`"},
    {"sequenceFlow", "", S::executed, ""},
    {"sequenceFlow", "sourceRef", S::executed, ""},
    {"sequenceFlow", "targetRef", S::executed, ""},
    {"sequenceFlow", "isImmediate", S::warned, "every flow is taken at once", "true"},
    {"sequenceFlow", "<conditionExpression>", S::executed, "in raciflow's condition language"},
    {"conditionExpression", "language", S::executed, "another language is refused at deploy"},
    {"startEvent", "", S::executed, "triggers: see the event matrix"},
    {"startEvent", "isInterrupting", S::executed, "in event sub-processes"},
    {"startEvent", "parallelMultiple", S::executed,
     "`true`: fires once each of its event definitions has been caught (an interrupting event sub-process start)"},
    {"endEvent", "", S::executed, "triggers: see the event matrix"},
    {"intermediateCatchEvent", "", S::executed, "triggers: see the event matrix"},
    {"intermediateCatchEvent", "parallelMultiple", S::executed, "`true`: waits for each of its event definitions, else for the first"},
    {"intermediateThrowEvent", "", S::executed, "triggers: see the event matrix"},
    {"boundaryEvent", "", S::executed, "triggers: see the event matrix"},
    {"boundaryEvent", "attachedToRef", S::executed, ""},
    {"boundaryEvent", "cancelActivity", S::executed, "`false`: non-interrupting"},
    {"boundaryEvent", "parallelMultiple", S::executed, "`true`: fires once each of its event definitions has been caught (interrupting only)"},
    {"task", "", S::executed, "passes through"},
    {"userTask", "", S::executed, "waits for a person in its Responsible role"},
    {"userTask", "implementation", S::documentation, "people do their tasks in raciflow's inbox"},
    {"userTask", "<potentialOwner>", S::executed,
     "its `resourceAssignmentExpression` (a role id or a list of them) or `resourceRef`: the Responsible roles; `raci:responsible` wins"},
    {"userTask", "<humanPerformer>", S::executed, "as `potentialOwner`"},
    {"userTask", "camunda:candidateGroups", S::executed, "Camunda 7: the Responsible roles, checked against the organisation; `raci:responsible` wins"},
    {"userTask", "camunda:assignee", S::executed,
     "Camunda 7: a person of the organisation holding a Responsible role; the task is claimed for them as it is created"},
    {"userTask", "<zeebe:assignmentDefinition>", S::executed, "Camunda 8: `candidateGroups` and `assignee`, read as Camunda 7's"},
    {"manualTask", "", S::executed, "as a user task: a person confirms it is done"},
    {"serviceTask", "", S::warned, "passes through: raciflow calls no services"},
    {"serviceTask", "implementation", S::warned, "no service is called"},
    {"serviceTask", "operationRef", S::warned, "no service is called"},
    {"scriptTask", "", S::warned, "passes through: raciflow runs no scripts"},
    {"scriptTask", "scriptFormat", S::warned, "no script is run"},
    {"scriptTask", "<script>", S::warned, "no script is run"},
    {"businessRuleTask", "", S::executed,
     "evaluates the DMN decision it names and puts the result in a variable; one that names none passes through, with a warning"},
    {"businessRuleTask", "raci:decision", S::executed, "the decision's id or name, with `raci:resultVariable`: the variable its result lands in"},
    {"businessRuleTask", "<zeebe:calledDecision>", S::executed,
     "Camunda 8: `decisionId` and `resultVariable`; `bindingType` other than `latest` is refused"},
    {"businessRuleTask", "camunda:decisionRef", S::executed,
     "Camunda 7: with `camunda:resultVariable`, `camunda:mapDecisionResult` (default `resultList`) and "
     "`camunda:decisionRefBinding` `latest` or `version` (`camunda:decisionRefVersion`); other bindings are refused"},
    {"businessRuleTask", "implementation", S::warned, "the decision is the one the task names; no other rule engine is called"},
    {"sendTask", "", S::executed, "sends its message to the cases waiting for it"},
    {"sendTask", "messageRef", S::executed, ""},
    {"sendTask", "implementation", S::warned, "the message goes to raciflow's cases only"},
    {"sendTask", "operationRef", S::warned, "the message goes to raciflow's cases only"},
    {"receiveTask", "", S::executed, "waits for its message"},
    {"receiveTask", "messageRef", S::executed, ""},
    {"receiveTask", "instantiate", S::executed, "`true` (no incoming flow): its message starts the process"},
    {"receiveTask", "implementation", S::warned, "messages come through raciflow's CLI and API"},
    {"receiveTask", "operationRef", S::warned, "messages come through raciflow's CLI and API"},
    {"callActivity", "", S::executed, "starts a case of the called process and waits for it"},
    {"callActivity", "calledElement", S::executed, "a process id in the deployed files, or a global task at the root of the file"},
    {"globalTask", "", S::executed, "called by a call activity, which runs as this task, with the RACI written on it"},
    {"globalUserTask", "", S::executed, "called by a call activity, which runs as this user task, with its RACI and assignments"},
    {"globalManualTask", "", S::executed, "as `globalUserTask`, for a manual task"},
    {"globalScriptTask", "", S::warned, "called by a call activity, which passes through: raciflow runs no scripts"},
    {"globalBusinessRuleTask", "", S::warned, "called by a call activity, which passes through: raciflow evaluates no decision tables"},
    {"subProcess", "", S::executed, "embedded, nested to any depth"},
    {"subProcess", "triggeredByEvent", S::executed, "`true`: an event sub-process"},
    {"transaction", "", S::executed, "a sub-process that a cancel end event undoes: its completed work is compensated, then its cancel boundary's path goes on"},
    {"transaction", "method", S::documentation, "raciflow's transactions are compensated, never rolled back"},
    {"adHocSubProcess", "", S::executed, "a checklist: its steps that no flow leads to are all open at once, done in any order"},
    {"adHocSubProcess", "ordering", S::executed,
     "`Sequential`: every step is offered, and one is under way at a time: the one a person claims or completes first"},
    {"adHocSubProcess", "cancelRemainingInstances", S::executed,
     "`false`: when the completion condition holds, the steps not begun (unclaimed tasks) are withdrawn and those under way finish"},
    {"adHocSubProcess", "<completionCondition>", S::executed, "checked as each step completes; without one, done when every step is"},
    {"*", "default", S::executed, "on activities and gateways: taken when no conditional outgoing flow holds"},
    {"*", "startQuantity", S::refused,
     "only 1 (the default): a raciflow token is one path's work, and an activity that waits for several paths is a join's job"},
    {"*", "completionQuantity", S::refused,
     "only 1 (the default): several tokens on one flow would run the next step twice; split with a parallel gateway instead"},
    {"*", "isForCompensation", S::executed, "the handler that a compensation boundary event's association points to"},
    {"exclusiveGateway", "", S::executed, "the first flow whose condition holds, else the default"},
    {"inclusiveGateway", "", S::executed, "every flow whose condition holds, else the default; joins what can still arrive"},
    {"parallelGateway", "", S::executed, ""},
    {"complexGateway", "", S::executed, "splits like the inclusive gateway"},
    {"complexGateway", "<activationCondition>", S::executed,
     "a join fires when it holds over the variables and `activationCount`, then absorbs the late tokens"},
    {"eventBasedGateway", "", S::executed, "the first of its events to happen wins"},
    {"eventBasedGateway", "instantiate", S::warned, "start such a process with a message start event instead", "false"},
    {"eventBasedGateway", "eventGatewayType", S::warned, "always exclusive", "Exclusive"},
    {"*", "gatewayDirection", S::documentation, "the flows say it"},
    {"standardLoopCharacteristics", "", S::executed,
     "on every activity; a step that does not wait runs again at once, so a condition that reads nothing and always holds is refused "
     "without `loopMaximum`, and one that would repeat unchanged is an incident"},
    {"standardLoopCharacteristics", "<loopCondition>", S::executed, "checked after each run, over the variables and `loopCounter` (the runs so far)"},
    {"standardLoopCharacteristics", "testBefore", S::executed, "`true`: checked before the first run too"},
    {"standardLoopCharacteristics", "loopMaximum", S::executed, "caps the runs"},
    {"multiInstanceLoopCharacteristics", "", S::executed,
     "on every task but receive tasks, on sub-processes and call activities; the instances of a step that does not wait run at once"},
    {"multiInstanceLoopCharacteristics", "isSequential", S::executed, ""},
    {"multiInstanceLoopCharacteristics", "<loopCardinality>", S::executed, ""},
    {"multiInstanceLoopCharacteristics", "<completionCondition>", S::executed,
     "over the variables and `nrOfInstances`, `nrOfActiveInstances`, `nrOfCompletedInstances`"},
    {"multiInstanceLoopCharacteristics", "<loopDataInputRef>", S::executed,
     "the list: the variable named as the data object (or property, data input) it refers to; or `raci:collection`"},
    {"multiInstanceLoopCharacteristics", "<inputDataItem>", S::executed, "each instance's item: its name; or `raci:elementVariable`"},
    {"multiInstanceLoopCharacteristics", "<loopDataOutputRef>", S::executed, "the outputs collected; or `raci:outputCollection`"},
    {"multiInstanceLoopCharacteristics", "<outputDataItem>", S::executed, "each instance's output: its name; or `raci:outputVariable`"},
    {"multiInstanceLoopCharacteristics", "behavior", S::warned, "no event is thrown as instances complete", "All"},
    {"multiInstanceLoopCharacteristics", "oneBehaviorEventRef", S::warned, "no event is thrown as instances complete"},
    {"multiInstanceLoopCharacteristics", "noneBehaviorEventRef", S::warned, "no event is thrown as instances complete"},
    {"messageEventDefinition", "messageRef", S::executed, "matched by the message's name, else its id"},
    {"messageEventDefinition", "operationRef", S::warned, "messages come through raciflow's CLI and API"},
    {"timerEventDefinition", "<timeDate>", S::executed, "ISO 8601 date-time"},
    {"timerEventDefinition", "<timeDuration>", S::executed, "ISO 8601 duration"},
    {"timerEventDefinition", "<timeCycle>", S::executed, "ISO 8601 repeating interval (`R3/P1D`, `R/2026-01-01T00:00:00Z/P1M`)"},
    {"signalEventDefinition", "signalRef", S::executed, "broadcast by the signal's name, else its id"},
    {"errorEventDefinition", "errorRef", S::executed, "caught by the same error, or by a catch without one"},
    {"escalationEventDefinition", "escalationRef", S::executed, "caught by the same escalation, or by a catch without one"},
    {"conditionalEventDefinition", "<condition>", S::executed, "fires when it comes to hold; re-evaluated as the variables change"},
    {"linkEventDefinition", "name", S::executed, "a throw goes on at the catch of the same name in its scope"},
    {"compensateEventDefinition", "", S::executed, "a throw runs the handlers of its scope's completed activities, the last completed first"},
    {"compensateEventDefinition", "activityRef", S::executed, "only that activity's (each completed run or instance)"},
    {"compensateEventDefinition", "waitForCompletion", S::refused, "only `true` (the default): the throw waits for its handlers"},
    {"cancelEventDefinition", "", S::executed, "a cancel end event in a transaction, a cancel boundary on it"},
    {"association", "", S::executed, "from a compensation boundary event to its handler; any other association is documentation (a warning)"},
    {"association", "sourceRef", S::executed, ""},
    {"association", "targetRef", S::executed, ""},
    {"association", "associationDirection", S::documentation, ""},
    {"message", "itemRef", S::documentation, "a message carries case variables"},
    {"signal", "structureRef", S::documentation, "a signal carries case variables"},
    {"error", "errorCode", S::documentation, "errors match by their reference"},
    {"error", "structureRef", S::documentation, ""},
    {"escalation", "escalationCode", S::documentation, "escalations match by their reference"},
    {"escalation", "structureRef", S::documentation, ""},
    {"documentation", "textFormat", S::documentation, ""},
};

constexpr std::string_view kDataAndArtifacts[] = {
    "textAnnotation", "group", "dataObject", "dataObjectReference", "dataStoreReference",
    "property", "ioSpecification", "dataInputAssociation", "dataOutputAssociation", "dataInput",
    "dataOutput", "inputSet", "outputSet", "category", "performer", "resourceRole", "rendering", "monitoring", "auditing", "ioBinding", "correlationSubscription",
    "supports", "dataState"};

}  // namespace

bool is_data_or_artifact(std::string_view element) {
  for (auto name : kDataAndArtifacts)
    if (name == element) return true;
  return false;
}

const char* to_string(Support support) {
  switch (support) {
    case Support::executed: return "executed";
    case Support::documentation: return "documentation";
    case Support::warned: return "loaded with a warning";
    case Support::refused: return "refused at deploy";
  }
  return "?";
}

std::span<const Feature> features() { return kFeatures; }

bool element_in_table(std::string_view element) {
  for (const auto& f : kFeatures)
    if (f.element == element) return true;
  return false;
}

const Feature* attribute_feature(std::string_view element, std::string_view attribute) {
  if (!element_in_table(element)) return nullptr;
  const Feature* any = nullptr;
  for (const auto& f : kFeatures) {
    if (f.attribute != attribute) continue;
    if (f.element == element) return &f;
    if (f.element == "*") any = &f;
  }
  return any;
}

std::string features_markdown() {
  std::string out = "| element | attribute or child | raciflow | note |\n|---|---|---|---|\n";
  for (const auto& f : kFeatures) {
    std::string attribute = f.attribute.empty() ? "" : "`" + std::string(f.attribute) + "`";
    std::string note(f.note);
    if (!f.harmless.empty()) note += " (no warning for `" + std::string(f.harmless) + "`)";
    out += "| `" + std::string(f.element) + "` | " + attribute + " | " + to_string(f.support) + " | " + note + " |\n";
  }
  out += "| data and artifacts: ";
  for (std::size_t i = 0; i < std::size(kDataAndArtifacts); ++i)
    out += (i ? ", `" : "`") + std::string(kDataAndArtifacts[i]) + "`";
  out += " | | loaded with a warning | documentation only: reported once per kind and process |\n";
  // The event matrix, from the rule the loader and deploy apply.
  struct Column {
    const char* title;
    NodeKind kind;
    EventPlace place;
  };
  constexpr std::array<Column, 7> columns{{
      {"start (process)", NodeKind::start_event, EventPlace::process},
      {"start (sub-process)", NodeKind::start_event, EventPlace::sub_process},
      {"start (event sub-process)", NodeKind::start_event, EventPlace::event_sub_process},
      {"intermediate catch", NodeKind::intermediate_catch_event, EventPlace::process},
      {"intermediate throw", NodeKind::intermediate_throw_event, EventPlace::process},
      {"boundary", NodeKind::boundary_event, EventPlace::process},
      {"end", NodeKind::end_event, EventPlace::process},
  }};
  out += "\n| trigger |";
  for (const auto& c : columns) out += std::string(" ") + c.title + " |";
  out += "\n|---|";
  for (std::size_t i = 0; i < columns.size(); ++i) out += "---|";
  out += "\n";
  constexpr EventTrigger triggers[] = {EventTrigger::none,        EventTrigger::message,    EventTrigger::timer,
                                       EventTrigger::signal,      EventTrigger::error,      EventTrigger::escalation,
                                       EventTrigger::conditional, EventTrigger::link,       EventTrigger::terminate,
                                       EventTrigger::compensate,  EventTrigger::cancel,     EventTrigger::multiple};
  for (EventTrigger t : triggers) {
    out += std::string("| ") + trigger_name(t) + " |";
    for (const auto& c : columns) out += trigger_executed(c.kind, t, c.place) ? " ✓ |" : " – |";
    out += "\n";
  }
  return out;
}

}  // namespace raciflow::definitions
