// Business-rule tasks: the DMN decision a task names, evaluated as the token passes.
#include "definitions/dmn_eval.h"
#include "engine/run.h"

namespace raciflow::engine::detail {

// Evaluates the decision of a business-rule task over the variables its step sees. The
// trail gets what the decision read, the rules that matched and the result; the result
// lands in the task's result variable. A decision that cannot be evaluated (not deployed,
// a violated UNIQUE hit policy, a result that does not fit camunda:mapDecisionResult) is
// an incident on the step, never a guess; a retry evaluates it again, with the variables
// the retry gives.
bool Run::evaluate_decision(const Step& step) {
  const FlowNode& n = p_.nodes[step.node];
  const CalledDecision& call = *n.called_decision;
  auto fail = [&](const std::string& why) {
    int token = wait(step.node, step.scope, step.iteration);
    json data = {{"reason", "decision '" + call.decision + "' of '" + (n.name.empty() ? n.id : n.name) + "': " + why},
                 {"token", token}, {"scope", step.scope}, {"reenter", true}, {"decision", call.decision}};
    if (step.iteration > 0) data["loop"] = step.iteration;
    if (step.compensates >= 0) data["compensating"] = step.compensates;
    emit(EventKind::incident_raised, n.id, std::move(data));
    return false;
  };
  if (!decisions_) return fail("no decision models are deployed");
  FoundDecision found = decisions_->find(call.decision, call.version);
  if (!found.model) return fail(found.error);
  const Decision* decision = found.model->model().find(call.decision);
  if (!decision) return fail("it is not in decision model '" + found.model_id + "' version " + std::to_string(found.version));
  DecisionOutcome outcome = found.model->evaluate(decision->id, context(step.scope));
  if (!outcome.ok()) return fail(outcome.error);
  std::string shape_error;
  auto value = shape_result(*decision, outcome.result, call.mapping, &shape_error);
  if (!value) return fail(shape_error);
  emit(EventKind::decision_evaluated, n.id,
       {{"decision", decision->id}, {"name", decision->name}, {"model", found.model_id}, {"version", found.version},
        {"inputs", outcome.inputs}, {"matched", matched_json(outcome.matched)}, {"result", *value}, {"variable", call.result_variable}});
  set_variables(json{{call.result_variable, *value}}, n.id);
  return true;
}

}  // namespace raciflow::engine::detail
