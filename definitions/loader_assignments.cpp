// Assignments that other modelers write, read as raciflow's roles: BPMN's own
// potentialOwner and humanPerformer, Camunda 7's camunda:candidateGroups and
// camunda:assignee, and Camunda 8's zeebe:assignmentDefinition. Each names the step's
// Responsible roles (or the person it goes to); raci:responsible wins where both are given.
#include "definitions/loader_internal.h"

namespace raciflow::definitions::loading {

namespace {

// A list of groups as the modelers write it: "a, b", "group(a)", "'a'", a resource id.
std::vector<std::string> group_names(std::string_view text) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    std::size_t end = text.find(',', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string item = trim(text.substr(begin, end - begin));
    if (item.rfind("group(", 0) == 0 && item.back() == ')') item = trim(std::string_view(item).substr(6, item.size() - 7));
    if (item.size() >= 2 && (item.front() == '\'' || item.front() == '"') && item.back() == item.front())
      item = item.substr(1, item.size() - 2);
    if (!item.empty()) out.push_back(item);
    begin = end + 1;
  }
  return out;
}

// An expression for the modeler's own engine (JUEL `${...}`, FEEL `=...`): not a name.
bool is_foreign_expression(std::string_view value) {
  std::string v = trim(value);
  return v.rfind("${", 0) == 0 || v.rfind("#{", 0) == 0 || v.rfind("=", 0) == 0;
}

}  // namespace

void Loader::load_assignments(pugi::xml_node element, FlowNode& node) {
  struct Found {
    std::string value;
    std::string source;  // the attribute or element, as findings name it
    int line;
  };
  std::vector<Found> groups, people;
  for (pugi::xml_node child : element.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = local_name(child.name());  // the name first: a namespace lookup walks up the tree
    if ((name == "potentialOwner" || name == "humanPerformer") && is_bpmn(child)) {
      std::string text;
      if (pugi::xml_node expr = find_bpmn_child(child, "resourceAssignmentExpression"))
        for (pugi::xml_node e : expr.children())
          if (e.type() == pugi::node_element) text = trim(e.text().get());
      if (text.empty())
        if (pugi::xml_node ref = find_bpmn_child(child, "resourceRef")) text = trim(ref.text().get());
      if (text.empty())
        diag_.warning(line(child), node.id, "<" + std::string(name) + "> of '" + node.id +
                                                "' names no role: give it a resourceAssignmentExpression with the role's id");
      else
        groups.push_back({text, "<" + std::string(name) + ">", line(child)});
    } else if (name == "extensionElements") {
      for (pugi::xml_node ext : child.children()) {
        if (ext.type() != pugi::node_element) continue;
        std::string_view ext_name = local_name(ext.name());
        if (ext_name == "assignmentDefinition" && namespace_of(ext) == kZeebeNamespace) {
          if (auto a = ext.attribute("candidateGroups")) groups.push_back({a.value(), "zeebe:assignmentDefinition candidateGroups", line(ext)});
          if (auto a = ext.attribute("assignee")) people.push_back({a.value(), "zeebe:assignmentDefinition assignee", line(ext)});
        } else if (ext_name == "formDefinition" && namespace_of(ext) == kZeebeNamespace) {
          load_form_definition(ext, node);
        }
      }
    }
  }
  for (pugi::xml_attribute attr : element.attributes()) {
    std::string_view prefix = prefix_of(attr.name());
    std::string_view name = local_name(attr.name());
    if (prefix.empty() || (name != "candidateGroups" && name != "assignee") || namespace_for(element, prefix) != kCamundaNamespace)
      continue;
    if (name == "candidateGroups") groups.push_back({attr.value(), "camunda:candidateGroups", node.line});
    if (name == "assignee") people.push_back({attr.value(), "camunda:assignee", node.line});
  }
  if (groups.empty() && people.empty()) return;
  if (!is_human_task(node.kind)) {
    diag_.warning(groups.empty() ? people.front().line : groups.front().line, node.id,
                  (groups.empty() ? people.front().source : groups.front().source) + " on " + element_name(node.kind) + " '" + node.id +
                      "' has no effect: only user and manual tasks go to a role or a person");
    return;
  }
  for (const Found& g : groups) {
    if (is_foreign_expression(g.value)) {
      diag_.warning(g.line, node.id, g.source + " of '" + node.id + "' is an expression ('" + trim(g.value) +
                                         "') that raciflow does not evaluate; the task goes to its lane's role");
      continue;
    }
    if (node.raci.responsible_explicit) continue;  // raci:responsible, or an earlier assignment, wins
    node.raci.responsible = group_names(g.value);
    node.raci.responsible_explicit = !node.raci.responsible.empty();
    node.raci.responsible_source = g.source;
  }
  for (const Found& p : people) {
    std::string person = trim(p.value);
    if (is_foreign_expression(person) || person.empty()) {
      diag_.warning(p.line, node.id, p.source + " of '" + node.id + "' is an expression ('" + person +
                                         "') that raciflow does not evaluate; the task waits for its Responsible role");
      continue;
    }
    if (node.assignee.empty()) node.assignee = person;
  }
}

void Loader::set_form(FlowNode& node, const std::string& form, const std::string& source, int at) {
  if (node.kind != NodeKind::user_task) {
    diag_.warning(at, node.id, source + " on " + std::string(element_name(node.kind)) + " '" + node.id +
                                   "' has no effect: only a user task shows a form");
    return;
  }
  if (form.empty()) {
    diag_.error(at, node.id, source + " of '" + node.id + "' names no form");
  } else if (!node.form.empty() && node.form != form) {
    diag_.error(at, node.id, "'" + node.id + "' names two forms, '" + node.form + "' and '" + form + "'");
  } else if (is_foreign_expression(form)) {
    diag_.error(at, node.id, source + " of '" + node.id + "' is an expression ('" + form +
                                 "'); raciflow links a form by its id when the definition is deployed");
  } else {
    node.form = form;
  }
}

// Camunda 8's link from a user task to a form: formId names a form deployed beside the
// definition. An embedded form (formKey) or a form elsewhere (externalReference) is not
// one raciflow can check, so it is refused rather than left unshown.
void Loader::load_form_definition(pugi::xml_node ext, FlowNode& node) {
  if (auto key = ext.attribute("formKey")) {
    diag_.error(line(ext), node.id, "zeebe:formDefinition of '" + node.id + "' embeds a form ('" + std::string(key.value()) +
                                        "'); deploy the form as a .form file and link it with formId");
    return;
  }
  if (auto ref = ext.attribute("externalReference")) {
    diag_.error(line(ext), node.id, "zeebe:formDefinition of '" + node.id + "' points at a form elsewhere ('" +
                                        std::string(ref.value()) + "'), which raciflow cannot check; link a deployed form with formId");
    return;
  }
  std::string binding = ext.attribute("bindingType").value();
  if (binding == "versionTag") {
    diag_.error(line(ext), node.id, "zeebe:formDefinition of '" + node.id +
                                        "' binds a form by version tag; raciflow binds the form deployed with the definition");
    return;
  }
  if (binding == "latest")
    diag_.warning(line(ext), node.id, "zeebe:formDefinition of '" + node.id + "' asks for the latest form; raciflow binds the form "
                                          "version current when the definition is deployed (redeploying the form deploys a new version of the process)");
  set_form(node, trim(ext.attribute("formId").value()), "zeebe:formDefinition formId", line(ext));
}

}  // namespace raciflow::definitions::loading
