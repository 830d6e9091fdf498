#include "definitions/dmn.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "definitions/xml_source.h"

namespace raciflow::definitions {

namespace {

// DMN 1.2, 1.3, 1.4 and 1.5.
const char* const kDmnNamespaces[] = {
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "https://www.omg.org/spec/DMN/20211108/MODEL/",
    "https://www.omg.org/spec/DMN/20230324/MODEL/",
};

// The DMN namespace `root` is a `definitions` of, or nullptr.
const char* dmn_namespace(const pugi::xml_node& root) {
  for (const char* ns : kDmnNamespaces)
    if (local_name_in(root, ns) == "definitions") return ns;
  return nullptr;
}

// Expression kinds of DMN that raciflow does not evaluate (compliance level 3).
const std::set<std::string, std::less<>> kLevelThree = {"context", "relation", "list", "functionDefinition", "conditional",
                                                        "filter", "for", "every", "some", "iterator"};

std::string trimmed(std::string_view s) {
  auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  auto end = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(begin, end - begin + 1));
}

class DmnReader {
 public:
  DmnReader(const XmlSource& source, const char* ns, Diagnostics& d, std::string file) : source_(source), ns_(ns), d_(d) {
    model_.file = std::move(file);
    model_.ns = ns;
  }

  std::optional<DecisionModel> read(const pugi::xml_node& root) {
    model_.id = root.attribute("id").value();
    model_.name = root.attribute("name").value();
    collect_ids(root);
    for (const auto& child : root.children()) {
      if (child.type() != pugi::node_element) continue;
      std::string name = local(child);
      if (name == "decision") read_decision(child);
      else if (name == "inputData") read_input_data(child);
      else if (name == "businessKnowledgeModel") read_knowledge(child);
      else if (name == "itemDefinition") read_item(child);
      // Documentation, diagrams, text annotations and associations describe; they do not compute.
      else if (name == "description" || name == "extensionElements" || name == "textAnnotation" || name == "association" ||
               name == "import" || name == "knowledgeSource" || name == "decisionService" || name == "group" ||
               name == "elementCollection" || name == "performanceIndicator" || name == "organizationUnit")
        continue;
      else if (!name.empty())
        d_.warning(line(child), "DMN element '" + name + "' is not used by raciflow");
    }
    check_references();
    check_cycles();
    if (d_.has_errors()) return std::nullopt;
    return std::move(model_);
  }

 private:
  int line(const pugi::xml_node& n) const { return source_.line_of(n); }
  std::string local(const pugi::xml_node& n) const { return local_name_in(n, ns_); }
  pugi::xml_node child(const pugi::xml_node& n, const char* name) const {
    for (const auto& c : n.children())
      if (c.type() == pugi::node_element && local(c) == name) return c;
    return {};
  }
  std::string text_of(const pugi::xml_node& n) const { return trimmed(child(n, "text").child_value()); }

  void collect_ids(const pugi::xml_node& root) {
    std::map<std::string, int> seen;
    std::function<void(const pugi::xml_node&)> walk = [&](const pugi::xml_node& n) {
      for (const auto& c : n.children()) {
        if (c.type() != pugi::node_element) continue;
        std::string id = c.attribute("id").value();
        if (!id.empty() && local(c) != "") {
          auto [it, fresh] = seen.emplace(id, line(c));
          if (!fresh) d_.error(line(c), id, "duplicate id '" + id + "' (first on line " + std::to_string(it->second) + ")");
        }
        walk(c);
      }
    };
    walk(root);
  }

  // "#id" (or "other.dmn#id", which raciflow does not import) -> "id".
  std::string reference(const pugi::xml_node& n, const std::string& owner) {
    std::string href = n.attribute("href").value();
    auto hash = href.find('#');
    if (hash == std::string::npos || hash + 1 == href.size()) {
      d_.error(line(n), owner, "'" + owner + "' has a requirement without an href '#id'");
      return "";
    }
    if (hash != 0) d_.error(line(n), owner, "'" + owner + "' requires '" + href + "' in another file; raciflow does not import DMN files");
    return href.substr(hash + 1);
  }

  std::optional<DecisionTable> read_table(const pugi::xml_node& t, const std::string& owner) {
    DecisionTable table;
    table.line = line(t);
    std::string policy = t.attribute("hitPolicy").as_string("UNIQUE");
    static const std::map<std::string, HitPolicy> policies = {
        {"UNIQUE", HitPolicy::unique}, {"ANY", HitPolicy::any}, {"PRIORITY", HitPolicy::priority},
        {"FIRST", HitPolicy::first}, {"RULE ORDER", HitPolicy::rule_order}, {"OUTPUT ORDER", HitPolicy::output_order},
        {"COLLECT", HitPolicy::collect}};
    if (auto it = policies.find(policy); it != policies.end()) table.hit_policy = it->second;
    else d_.error(table.line, owner, "decision table of '" + owner + "': unknown hitPolicy '" + policy + "'");
    std::string aggregation = t.attribute("aggregation").value();
    static const std::map<std::string, Aggregation> aggregations = {
        {"SUM", Aggregation::sum}, {"MIN", Aggregation::min}, {"MAX", Aggregation::max}, {"COUNT", Aggregation::count}};
    if (!aggregation.empty()) {
      if (auto it = aggregations.find(aggregation); it != aggregations.end()) table.aggregation = it->second;
      else d_.error(table.line, owner, "decision table of '" + owner + "': unknown aggregation '" + aggregation + "'");
      if (table.hit_policy != HitPolicy::collect)
        d_.error(table.line, owner, "decision table of '" + owner + "': an aggregation needs the COLLECT hit policy");
    }
    for (const auto& c : t.children()) {
      if (c.type() != pugi::node_element) continue;
      std::string name = local(c);
      if (name == "input") {
        auto expression = child(c, "inputExpression");
        table.inputs.push_back({c.attribute("id").value(), c.attribute("label").value(), text_of(expression),
                                expression.attribute("typeRef").value(), text_of(child(c, "inputValues")), line(c)});
        if (table.inputs.back().expression.empty())
          d_.error(line(c), owner, "decision table of '" + owner + "': input " + std::to_string(table.inputs.size()) + " has no input expression");
      } else if (name == "output") {
        table.outputs.push_back({c.attribute("id").value(), c.attribute("name").value(), c.attribute("label").value(),
                                 c.attribute("typeRef").value(), text_of(child(c, "outputValues")),
                                 text_of(child(c, "defaultOutputEntry")), line(c)});
      } else if (name == "rule") {
        DmnRule rule{c.attribute("id").value(), trimmed(child(c, "description").child_value()), {}, {}, line(c)};
        for (const auto& cell : c.children()) {
          if (cell.type() != pugi::node_element) continue;
          if (local(cell) == "inputEntry") rule.inputs.push_back(text_of(cell));
          else if (local(cell) == "outputEntry") rule.outputs.push_back(text_of(cell));
        }
        table.rules.push_back(std::move(rule));
      }
    }
    if (table.outputs.empty()) d_.error(table.line, owner, "decision table of '" + owner + "' has no output");
    if (table.outputs.size() > 1) {
      std::set<std::string> names;
      for (const auto& o : table.outputs)
        if (o.name.empty()) d_.error(o.line, owner, "decision table of '" + owner + "': with several outputs each needs a name");
        else if (!names.insert(o.name).second) d_.error(o.line, owner, "decision table of '" + owner + "': two outputs are named '" + o.name + "'");
      if (table.aggregation != Aggregation::none)
        d_.error(table.line, owner, "decision table of '" + owner + "': an aggregation needs a single output");
    }
    for (std::size_t i = 0; i < table.rules.size(); ++i) {
      const auto& r = table.rules[i];
      std::string which = "rule " + std::to_string(i + 1) + (r.id.empty() ? "" : " (" + r.id + ")");
      if (r.inputs.size() != table.inputs.size())
        d_.error(r.line, owner, "decision table of '" + owner + "': " + which + " has " + std::to_string(r.inputs.size()) +
                                    " input entries for " + std::to_string(table.inputs.size()) + " inputs");
      if (r.outputs.size() != table.outputs.size())
        d_.error(r.line, owner, "decision table of '" + owner + "': " + which + " has " + std::to_string(r.outputs.size()) +
                                    " output entries for " + std::to_string(table.outputs.size()) + " outputs");
    }
    return table;
  }

  LiteralExpression read_literal(const pugi::xml_node& n) {
    return {text_of(n), n.attribute("typeRef").value(), line(n)};
  }

  // The one expression a decision or a business knowledge model holds.
  DecisionLogic read_logic(const pugi::xml_node& holder, const std::string& owner, bool invocation_allowed) {
    DecisionLogic logic;
    int found = 0;
    for (const auto& c : holder.children()) {
      if (c.type() != pugi::node_element) continue;
      std::string name = local(c);
      if (name == "decisionTable") {
        logic.table = read_table(c, owner);
        ++found;
      } else if (name == "literalExpression") {
        logic.literal = read_literal(c);
        ++found;
      } else if (name == "invocation" && invocation_allowed) {
        Invocation inv;
        inv.line = line(c);
        if (auto target = child(child(c, "literalExpression"), "text"))
          inv.knowledge = trimmed(target.child_value());
        for (const auto& b : c.children()) {
          if (b.type() != pugi::node_element || local(b) != "binding") continue;
          std::string parameter = child(b, "parameter").attribute("name").value();
          auto expression = child(b, "literalExpression");
          if (!expression) {
            d_.error(line(b), owner, "invocation in '" + owner + "': the binding of '" + parameter + "' is not a literal expression");
            continue;
          }
          inv.bindings.push_back({parameter, read_literal(expression)});
        }
        logic.invocation = std::move(inv);
        ++found;
      } else if (kLevelThree.count(name) || name == "invocation") {
        d_.error(line(c), owner, "'" + owner + "' is a " + name +
                                     "; raciflow evaluates decision tables, literal expressions and invocations of business knowledge models");
        ++found;
      }
    }
    if (found == 0) d_.error(line(holder), owner, "'" + owner + "' has no decision table, literal expression or invocation to evaluate");
    if (found > 1) d_.error(line(holder), owner, "'" + owner + "' has more than one expression");
    return logic;
  }

  void read_decision(const pugi::xml_node& n) {
    Decision decision;
    decision.id = n.attribute("id").value();
    decision.name = n.attribute("name").as_string(decision.id.c_str());
    decision.line = line(n);
    if (decision.id.empty()) d_.error(decision.line, "a decision without an id");
    auto variable = child(n, "variable");
    decision.variable = variable.attribute("name").as_string(decision.name.c_str());
    decision.type_ref = variable.attribute("typeRef").value();
    for (const auto& c : n.children()) {
      if (c.type() != pugi::node_element) continue;
      std::string name = local(c);
      if (name == "informationRequirement") {
        if (auto d = child(c, "requiredDecision")) decision.required_decisions.push_back(reference(d, decision.id));
        if (auto i = child(c, "requiredInput")) decision.required_inputs.push_back(reference(i, decision.id));
      } else if (name == "knowledgeRequirement") {
        if (auto k = child(c, "requiredKnowledge")) decision.required_knowledge.push_back(reference(k, decision.id));
      }
    }
    decision.logic = read_logic(n, decision.id, true);
    if (decision.logic.invocation) {
      // The invoked model is named by its name in the invocation's text, and must be required.
      auto& inv = *decision.logic.invocation;
      const std::string wanted = inv.knowledge;
      inv.knowledge.clear();
      for (const auto& k : decision.required_knowledge)
        if (k == wanted || knowledge_names_[k] == wanted) inv.knowledge = k;
      if (inv.knowledge.empty()) pending_invocations_.push_back({model_.decisions.size(), wanted});
    }
    model_.decisions.push_back(std::move(decision));
  }

  void read_input_data(const pugi::xml_node& n) {
    InputData input{n.attribute("id").value(), n.attribute("name").value(), child(n, "variable").attribute("typeRef").value(), line(n)};
    if (input.name.empty()) input.name = input.id;
    model_.inputs.push_back(std::move(input));
  }

  void read_knowledge(const pugi::xml_node& n) {
    KnowledgeModel k;
    k.id = n.attribute("id").value();
    k.name = n.attribute("name").as_string(k.id.c_str());
    k.line = line(n);
    knowledge_names_[k.id] = k.name;
    auto logic = child(n, "encapsulatedLogic");
    if (!logic) {
      d_.error(k.line, k.id, "business knowledge model '" + k.id + "' has no encapsulatedLogic");
    } else {
      for (const auto& p : logic.children())
        if (p.type() == pugi::node_element && local(p) == "formalParameter")
          k.parameters.push_back({p.attribute("name").value(), p.attribute("typeRef").value()});
      k.logic = read_logic(logic, k.id, false);
    }
    model_.knowledge.push_back(std::move(k));
  }

  void read_item(const pugi::xml_node& n) {
    ItemDefinition item{n.attribute("name").value(), trimmed(child(n, "typeRef").child_value()), text_of(child(n, "allowedValues")),
                        n.attribute("isCollection").as_bool(false), line(n)};
    if (child(n, "itemComponent")) d_.error(item.line, item.name, "item definition '" + item.name + "' has components; raciflow's decisions take simple types");
    model_.items.push_back(std::move(item));
  }

  void check_references() {
    std::set<std::string> decisions, inputs, knowledge;
    for (const auto& d : model_.decisions) decisions.insert(d.id);
    for (const auto& i : model_.inputs) inputs.insert(i.id);
    for (const auto& k : model_.knowledge) knowledge.insert(k.id);
    for (const auto& d : model_.decisions) {
      for (const auto& r : d.required_decisions)
        if (!r.empty() && !decisions.count(r)) d_.error(d.line, d.id, "decision '" + d.id + "' requires decision '" + r + "', which the file does not have");
      for (const auto& r : d.required_inputs)
        if (!r.empty() && !inputs.count(r)) d_.error(d.line, d.id, "decision '" + d.id + "' requires input data '" + r + "', which the file does not have");
      for (const auto& r : d.required_knowledge)
        if (!r.empty() && !knowledge.count(r))
          d_.error(d.line, d.id, "decision '" + d.id + "' requires business knowledge model '" + r + "', which the file does not have");
    }
    for (const auto& [index, wanted] : pending_invocations_) {
      auto& d = model_.decisions[index];
      for (const auto& k : model_.knowledge)
        if ((k.id == wanted || k.name == wanted) && std::count(d.required_knowledge.begin(), d.required_knowledge.end(), k.id))
          d.logic.invocation->knowledge = k.id;
      if (d.logic.invocation->knowledge.empty())
        d_.error(d.logic.invocation->line, d.id, "decision '" + d.id + "' invokes '" + wanted + "', which is no business knowledge model it requires");
    }
  }

  void check_cycles() {
    std::map<std::string, const Decision*> by_id;
    for (const auto& d : model_.decisions) by_id[d.id] = &d;
    std::map<std::string, int> state;  // 1: on the path, 2: done
    std::function<bool(const Decision&)> visit = [&](const Decision& d) {
      int& s = state[d.id];
      if (s == 2) return false;
      if (s == 1) return true;
      s = 1;
      for (const auto& r : d.required_decisions)
        if (auto it = by_id.find(r); it != by_id.end() && visit(*it->second)) {
          d_.error(d.line, d.id, "decision '" + d.id + "' requires itself through '" + r + "'");
          state[d.id] = 2;
          return false;
        }
      state[d.id] = 2;
      return false;
    };
    for (const auto& d : model_.decisions) visit(d);
  }

  const XmlSource& source_;
  const char* ns_;
  Diagnostics& d_;
  DecisionModel model_;
  std::map<std::string, std::string> knowledge_names_;
  std::vector<std::pair<std::size_t, std::string>> pending_invocations_;
};

std::optional<DecisionModel> model_of(std::unique_ptr<XmlSource> source, const std::string& file, Diagnostics& d) {
  if (!source) return std::nullopt;
  auto root = source->document().document_element();
  const char* ns = dmn_namespace(root);
  if (!ns) {
    d.error(source->line_of(root), "the root element is not a DMN 1.2 to 1.5 'definitions'");
    return std::nullopt;
  }
  return DmnReader(*source, ns, d, file).read(root);
}

}  // namespace

const char* hit_policy_name(HitPolicy policy) {
  switch (policy) {
    case HitPolicy::unique: return "UNIQUE";
    case HitPolicy::any: return "ANY";
    case HitPolicy::priority: return "PRIORITY";
    case HitPolicy::first: return "FIRST";
    case HitPolicy::rule_order: return "RULE ORDER";
    case HitPolicy::output_order: return "OUTPUT ORDER";
    case HitPolicy::collect: return "COLLECT";
  }
  return "?";
}

const Decision* DecisionModel::find(std::string_view id_or_name) const {
  for (const auto& d : decisions)
    if (d.id == id_or_name) return &d;
  for (const auto& d : decisions)
    if (d.name == id_or_name) return &d;
  return nullptr;
}

const KnowledgeModel* DecisionModel::find_knowledge(std::string_view id) const {
  for (const auto& k : knowledge)
    if (k.id == id) return &k;
  return nullptr;
}

std::vector<const Decision*> DecisionModel::evaluation_order(const Decision& decision) const {
  std::vector<const Decision*> out;
  std::set<std::string> done;
  std::function<void(const Decision&)> add = [&](const Decision& d) {
    if (!done.insert(d.id).second) return;
    for (const auto& r : d.required_decisions)
      if (const Decision* required = find(r); required && required->id == r) add(*required);
    out.push_back(&d);
  };
  add(decision);
  return out;
}

bool is_dmn(std::string_view text) {
  for (const char* ns : kDmnNamespaces)
    if (text.find(ns) != std::string_view::npos) return true;
  return false;
}

std::optional<DecisionModel> load_dmn_text(std::string_view text, const std::string& file, Diagnostics& diagnostics) {
  return model_of(XmlSource::from_text(std::string(text), diagnostics), file, diagnostics);
}

std::optional<DecisionModel> load_dmn_file(const std::string& path, Diagnostics& diagnostics) {
  return model_of(XmlSource::read_file(path, diagnostics), path, diagnostics);
}

}  // namespace raciflow::definitions
