// The loader's flow nodes: each element's kind and attributes, its event definitions,
// timers and conditions, multi-instance and loops, and raciflow's extension attributes.
#include "definitions/form_schema.h"
#include "definitions/loader_internal.h"

namespace raciflow::definitions::loading {

void Loader::unknown_element(pugi::xml_node element) {
  std::string_view ns = namespace_of(element);
  diag_.warning(line(element), element.attribute("id").value(),
                Phrase{"bpmn.unknown_element",
                       {{"element", std::string(element.name())}, {"where", ns.empty() || ns == kBpmnNamespace ? "" : " (" + std::string(ns) + ")"}},
                       ""});
}

bool Loader::is_event_definition(std::string_view name) {
  return event_definitions().count(name) > 0 || name == "eventDefinitionRef";
}

void Loader::note_data(pugi::xml_node element, std::string_view name) {
  if (!data_kinds_.insert(std::string(name)).second) return;
  bool resource = name == "performer" || name == "humanPerformer" || name == "potentialOwner" || name == "resourceRole";
  diag_.warning(line(element), element.attribute("id").value(), "<" + std::string(name) + "> in process '" + process_->id + "' is loaded but not executed" +
                                   (resource ? " (roles come from lanes and raci:* attributes)"
                                             : " (data and artifacts are documentation)") +
                                   "; further ones are not reported");
}

void Loader::load_node(pugi::xml_node element, NodeKind kind, int scope) {
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
    if (node.id.empty()) diag_.error(node.line, node.id, Phrase{"bpmn.node_no_id", {{"element", std::string(element_name(kind))}}, ""});
    load_extension_attributes(element, node);
  }
  load_node_children(element, index);
  load_assignments(element, p.nodes[index]);
  load_called_decision(element, p.nodes[index]);
  check_receives(p.nodes[index]);
  if (is_sub_process(kind)) load_scope(element, index);
  report_unexecuted(p.nodes[index]);
}

// raci:* attributes; anything else in the raciflow namespace is a mistake worth a warning.
void Loader::load_extension_attributes(pugi::xml_node element, FlowNode& node) {
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
      diag_.warning(node.line, node.id,
                    Phrase{"bpmn.raci_not_activity", {{"attribute", attr_name}, {"element", std::string(element_name(node.kind))}, {"id", node.id}}, ""});
      continue;
    }
    bool human_only = name == "due" || name == "dueDate" || name == "remind" || name == "separateFrom" || name == "consult";
    if (human_only && !is_human_task(node.kind)) {
      diag_.warning(node.line, node.id,
                    Phrase{"bpmn.human_only", {{"attribute", attr_name}, {"element", std::string(element_name(node.kind))}, {"id", node.id}}, ""});
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
    } else if (name == "consult") {
      std::string policy = trim(attr.value());
      if (policy == "before")
        node.raci.consult = ConsultPolicy::before;
      else if (policy != "alongside")
        diag_.error(node.line, node.id, Phrase{"bpmn.bad_consult", {{"id", node.id}, {"text", policy}}, ""});
    } else if (name == "informed") {
      node.raci.informed = split_words(attr.value());
    } else if (name == "due") {
      node.due_text = trim(attr.value());
      std::string why;
      node.due = parse_duration(node.due_text, &why);
      if (!node.due)
        diag_.error(node.line, node.id, Phrase{"bpmn.bad_duration", {{"id", node.id}, {"text", node.due_text}, {"why", why}}, ""});
    } else if (name == "separateFrom") {
      node.separate_from = split_words(attr.value());
    } else if (name == "iso") {
      node.iso = split_words(attr.value());
    } else if (name == "dueDate") {
      node.due_variable = trim(attr.value());
      if (!is_identifier(node.due_variable))
        diag_.error(node.line, node.id, Phrase{"bpmn.not_variable", {{"attribute", std::string("raci:dueDate")}, {"id", node.id}, {"text", node.due_variable}}, ""});
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
        diag_.error(node.line, node.id, Phrase{"bpmn.not_variable", {{"attribute", std::string("raci:decides")}, {"id", node.id}, {"text", node.decides}}, ""});
      else if (!is_human_task(node.kind))
        diag_.error(node.line, node.id, "raci:decides on '" + node.id + "' needs a user or manual task: a person decides");
    } else if (name == "form") {
      set_form(node, trim(attr.value()), "raci:form", node.line);
    } else if (name == "decision" || name == "resultVariable") {
      if (!node.called_decision) node.called_decision = CalledDecision{{}, {}, 0, CalledDecision::Mapping::dmn, "raci:decision", node.line};
      (name == "decision" ? node.called_decision->decision : node.called_decision->result_variable) = trim(attr.value());
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
void Loader::check_receives(const FlowNode& node) {
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

void Loader::load_node_children(pugi::xml_node element, int index) {
  FlowNode* node = &process_->nodes[index];  // stable: no node is added while this runs
  std::vector<EventTrigger> triggers;
  std::vector<EventDefinition> alternatives;
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
      alternatives.push_back(alternative(*node, def->second, line(child)));
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
        alternatives.push_back(alternative(*node, trigger, line(child)));
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
    } else if (name == "potentialOwner" || name == "humanPerformer") {
      // read by load_assignments
    } else if (is_data_or_artifact(name)) {
      note_data(child, name);
    } else if (!sub_process) {
      unknown_element(child);
    }
  }
  if (triggers.size() == 1) node->trigger = triggers.front();
  if (triggers.size() > 1) {
    node->trigger = EventTrigger::multiple;
    node->alternatives = std::move(alternatives);
  }
}

// The event definition just loaded into `node` (each trigger has fields of its own), as
// one alternative of a multiple event.
EventDefinition Loader::alternative(const FlowNode& node, EventTrigger trigger, int at) {
  EventDefinition d;
  d.trigger = trigger;
  d.line = at;
  switch (trigger) {
    case EventTrigger::message: d.ref = node.message_ref; break;
    case EventTrigger::signal: d.ref = node.signal_ref; break;
    case EventTrigger::escalation: d.ref = node.escalation_ref; break;
    case EventTrigger::error: d.ref = node.error_ref; break;
    case EventTrigger::timer: d.timer = node.timer; break;
    case EventTrigger::conditional: d.condition = node.event_condition; break;
    default: break;
  }
  return d;
}

// The case variable an item-aware element stands for: the name of the data object,
// property or data input with that id (through a data object reference), else the text
// itself when it is a variable name.
std::string Loader::data_variable(pugi::xml_node at, const std::string& ref, const std::string& owner) {
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

MultiInstance Loader::load_multi_instance(pugi::xml_node element, const FlowNode& node) {
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
int Loader::quantity(pugi::xml_node element, const char* attribute, const FlowNode& node) {
  return element.attribute(attribute) ? at_least_one(element, attribute, node) : 1;
}

// An attribute that must be a whole number of at least 1; 1 (and an error) when it is not.
int Loader::at_least_one(pugi::xml_node element, const char* attribute, const FlowNode& node) {
  int value = 0;
  std::string_view text = element.attribute(attribute).value();
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size() && value >= 1) return value;
  diag_.error(line(element), node.id, std::string(attribute) + " of '" + node.id + "' is '" + std::string(text) +
                                          "', not a whole number of at least 1");
  return 1;
}

pugi::xml_node Loader::find_bpmn_child(pugi::xml_node parent, std::string_view name) {
  for (pugi::xml_node c : parent.children())
    if (c.type() == pugi::node_element && local_name(c.name()) == name && is_bpmn(c)) return c;
  return {};
}

void Loader::load_event_definition(pugi::xml_node def, EventTrigger trigger, FlowNode& node) {
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

void Loader::load_timer(pugi::xml_node def, FlowNode& node) {
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
  if (found == 0) diag_.error(line(def), node.id, Phrase{"bpmn.timer_empty", {{"id", node.id}}, ""});
  if (found > 1) diag_.error(line(def), node.id, Phrase{"bpmn.timer_several", {{"id", node.id}}, ""});
}

void Loader::bad_timer(pugi::xml_node at, const FlowNode& node, std::string_view what, const std::string& text,
               const std::string& why) {
  Words kind = what == "timeDate" ? Words{"date", "en dato"} : what == "timeCycle" ? Words{"repeating interval", "et gentaget interval"}
                                                                                   : Words{"duration", "en varighed"};
  diag_.error(line(at), node.id, Phrase{"bpmn.bad_timer", {{"attribute", std::string(what)}, {"id", node.id}, {"kind", kind}, {"text", text}, {"why", why}}, ""});
}

std::optional<Condition> Loader::load_condition(pugi::xml_node element, const std::string& owner) {
  // The owner as people know it: its name, with its id beside it.
  std::string named = "'" + owner + "'";
  for (pugi::xml_node up = element.parent(); up; up = up.parent())
    if (owner == up.attribute("id").value()) {
      if (std::string name = up.attribute("name").value(); !name.empty() && name != owner) named = "'" + name + "' (" + owner + ")";
      break;
    }
  Condition c;
  c.text = element.text().get();
  c.line = line(element);
  c.language = element.attribute("language").value();
  if (c.language.empty()) c.language = expression_language_;
  if (trim(c.text).empty()) {
    diag_.warning(c.line, owner, Phrase{"condition.empty", {{"owner", named}}, ""});
    return std::nullopt;
  }
  if (!is_own_language(c.language)) {
    diag_.warning(c.line, owner, Phrase{"condition.other_language", {{"owner", named}, {"language", c.language}}, ""});
    return c;
  }
  c.language.clear();
  Expression::SyntaxError error;
  std::string feel = trim(c.text);
  if (!feel.empty() && feel.front() == '=') {
    // FEEL, as Camunda 8's modeler writes conditions ("=severity = \"high\""): the subset of
    // comparisons, and/or/not, `in` and paths that forms use too (form_schema.h).
    std::string why;
    auto translated = feel_condition(feel, why);
    if (translated) c.compiled = Expression::compile(*translated, &error);
    if (!c.compiled)
      diag_.error(c.line, owner, Phrase{"condition.feel_outside", {{"owner", named}, {"why", translated ? error.message : why}, {"text", feel}}, ""});
    return c;
  }
  c.compiled = Expression::compile(c.text, &error);
  if (!c.compiled) {
    // the text starts on the element's line; count the lines before the error
    int extra = static_cast<int>(std::count(c.text.begin(), c.text.begin() + std::min(error.offset, c.text.size()), '\n'));
    diag_.error(c.line + extra, owner,
                Phrase{"condition.does_not_parse",
                       {{"owner", named}, {"why", error.message}, {"column", std::to_string(error.offset + 1)}, {"text", trim(c.text)}},
                       ""});
  }
  return c;
}

}  // namespace raciflow::definitions::loading
