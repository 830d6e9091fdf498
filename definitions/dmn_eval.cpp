#include "definitions/dmn_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "definitions/feel.h"

namespace raciflow::definitions {

using nlohmann::json;

namespace {

// The item definition a typeRef names, if it names one (not a collection).
const ItemDefinition* item_named(const DecisionModel& model, const std::string& type_ref) {
  if (type_ref.empty()) return nullptr;
  for (const auto& item : model.items)
    if (item.name == type_ref && !item.collection) return &item;
  return nullptr;
}

struct Table {
  const DecisionTable* source = nullptr;
  std::vector<feel::SimpleExpression> inputs;
  std::vector<std::vector<feel::UnaryTests>> rules;               // per rule, per input
  std::vector<std::vector<std::optional<feel::SimpleExpression>>> outputs;  // per rule, per output; empty cell: null
  std::vector<std::optional<feel::SimpleExpression>> defaults;    // per output
  std::vector<std::vector<json>> priorities;                      // per output: its output values, first is highest
  std::vector<std::optional<feel::UnaryTests>> allowed;           // per input: its inputValues; none: any value
  std::vector<std::string> allowed_text;                          // per input: the same as written
  std::vector<std::string> types;                                 // per input: its typeRef, an item definition's resolved
};

struct Logic {
  std::optional<Table> table;
  std::optional<feel::SimpleExpression> literal;
  const Invocation* invocation = nullptr;
  std::vector<feel::SimpleExpression> bindings;
};

}  // namespace

struct DecisionEngine::Compiled {
  DecisionModel model;
  std::map<std::string, Logic> logic;  // decision or knowledge model id -> its compiled logic
};

namespace {

class Compiler {
 public:
  Compiler(const DecisionModel& model, Diagnostics& d) : model_(model), d_(d) {
    for (const auto& i : model.inputs) names_.insert(i.name);
    for (const auto& x : model.decisions) {
      names_.insert(x.name);
      names_.insert(x.variable);
    }
    for (const auto& k : model.knowledge)
      for (const auto& [name, type] : k.parameters) names_.insert(name);
  }

  Logic compile(const DecisionLogic& logic, const std::string& owner) {
    Logic out;
    if (logic.table) out.table = table(*logic.table, owner);
    if (logic.literal) out.literal = expression(logic.literal->text, "'" + owner + "', literal expression", logic.literal->line);
    if (logic.invocation) {
      out.invocation = &*logic.invocation;
      for (const auto& [parameter, binding] : logic.invocation->bindings)
        if (auto e = expression(binding.text, "'" + owner + "', binding of '" + parameter + "'", binding.line)) out.bindings.push_back(*e);
    }
    return out;
  }

 private:
  std::optional<feel::SimpleExpression> expression(const std::string& text, const std::string& where, int line) {
    feel::CompileError error;
    auto e = feel::SimpleExpression::compile(text, names_, &error);
    if (!e) d_.error(line, where + ": '" + text + "' is not S-FEEL raciflow evaluates: " + error.message + " (at " + std::to_string(error.offset + 1) + ")");
    return e;
  }

  std::optional<feel::UnaryTests> tests(const std::string& text, const std::string& where, int line) {
    feel::CompileError error;
    auto t = feel::UnaryTests::compile(text, names_, &error);
    if (!t) d_.error(line, where + ": '" + text + "' is not S-FEEL raciflow evaluates: " + error.message + " (at " + std::to_string(error.offset + 1) + ")");
    return t;
  }

  static std::string column(const DmnInput& i, std::size_t index) {
    return "input '" + (i.label.empty() ? i.expression : i.label) + "' (" + std::to_string(index + 1) + ")";
  }
  static std::string column(const DmnOutput& o, std::size_t index) {
    return "output '" + (o.label.empty() ? (o.name.empty() ? std::to_string(index + 1) : o.name) : o.label) + "'";
  }

  Table table(const DecisionTable& t, const std::string& owner) {
    Table out;
    out.source = &t;
    const std::string where = "decision table of '" + owner + "'";
    for (std::size_t i = 0; i < t.inputs.size(); ++i) {
      if (auto e = expression(t.inputs[i].expression, where + ", " + column(t.inputs[i], i), t.inputs[i].line)) out.inputs.push_back(*e);
      // A typeRef naming an item definition gives its type, and its allowed values where the
      // column lists none of its own.
      const ItemDefinition* item = item_named(model_, t.inputs[i].type_ref);
      std::string allowed = !t.inputs[i].allowed.empty() || !item ? t.inputs[i].allowed : item->allowed;
      out.allowed.push_back(allowed.empty() ? std::nullopt : tests(allowed, where + ", values of " + column(t.inputs[i], i), t.inputs[i].line));
      out.allowed_text.push_back(allowed);
      out.types.push_back(item ? item->type_ref : t.inputs[i].type_ref);
    }
    for (std::size_t o = 0; o < t.outputs.size(); ++o) {
      const auto& output = t.outputs[o];
      out.defaults.push_back(output.default_value.empty() ? std::nullopt
                                                          : expression(output.default_value, where + ", default of " + column(output, o), output.line));
      std::vector<json> order;
      if (!output.allowed.empty()) {
        // Output values are a list of literals: their order is the priority.
        feel::CompileError error;
        auto list = feel::UnaryTests::compile(output.allowed, names_, &error);
        if (!list) d_.error(output.line, where + ", values of " + column(output, o) + ": " + error.message);
        for (const auto& value : split_list(output.allowed))
          if (auto e = feel::SimpleExpression::compile(value, names_, &error)) order.push_back(e->evaluate(json::object()));
      }
      out.priorities.push_back(order);
    }
    for (std::size_t r = 0; r < t.rules.size(); ++r) {
      const auto& rule = t.rules[r];
      const std::string at = where + ", rule " + std::to_string(r + 1);
      std::vector<feel::UnaryTests> entries;
      for (std::size_t i = 0; i < rule.inputs.size() && i < t.inputs.size(); ++i)
        if (auto e = tests(rule.inputs[i], at + ", " + column(t.inputs[i], i), rule.line)) entries.push_back(*e);
      out.rules.push_back(std::move(entries));
      std::vector<std::optional<feel::SimpleExpression>> values;
      for (std::size_t o = 0; o < rule.outputs.size() && o < t.outputs.size(); ++o)
        values.push_back(rule.outputs[o].empty() ? std::nullopt : expression(rule.outputs[o], at + ", " + column(t.outputs[o], o), rule.line));
      out.outputs.push_back(std::move(values));
    }
    return out;
  }

  // "\"high\",\"medium\"" -> the items, commas inside strings kept.
  static std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::string item;
    bool quoted = false;
    for (char c : text) {
      if (c == '"') quoted = !quoted;
      if (c == ',' && !quoted) {
        out.push_back(item);
        item.clear();
      } else {
        item += c;
      }
    }
    if (!item.empty()) out.push_back(item);
    return out;
  }

  const DecisionModel& model_;
  Diagnostics& d_;
  feel::Names names_;
};

class Evaluator {
 public:
  Evaluator(const DecisionEngine::Compiled& c, DecisionOutcome& out) : c_(c), out_(out) {}

  // The value of `logic` over `context`; nullopt after an error is set.
  std::optional<json> run(const std::string& owner, const Logic& logic, const json& context) {
    if (logic.literal) return logic.literal->evaluate(context);
    if (logic.invocation) {
      const KnowledgeModel* k = c_.model.find_knowledge(logic.invocation->knowledge);
      if (!k) return fail("'" + owner + "' invokes a business knowledge model that is missing");
      json arguments = json::object();
      for (std::size_t i = 0; i < logic.bindings.size(); ++i)
        arguments[logic.invocation->bindings[i].first] = logic.bindings[i].evaluate(context);
      // The model sees its parameters only, as a function does.
      json scope = json::object();
      for (const auto& [name, type] : k->parameters) scope[name] = arguments.contains(name) ? feel::typed(arguments[name], type) : json(nullptr);
      return run(k->id, c_.logic.at(k->id), scope);
    }
    if (logic.table) return table(owner, *logic.table, context);
    return fail("'" + owner + "' has nothing to evaluate");
  }

 private:
  std::nullopt_t fail(std::string message) {
    if (out_.error.empty()) out_.error = std::move(message);
    return std::nullopt;
  }

  json outputs_of(const Table& t, std::size_t rule, const json& context) {
    const auto& outputs = t.source->outputs;
    auto value = [&](std::size_t o) {
      const auto& cell = t.outputs[rule][o];
      return cell ? cell->evaluate(context) : json(nullptr);
    };
    if (outputs.size() == 1) return value(0);
    json object = json::object();
    for (std::size_t o = 0; o < outputs.size(); ++o) object[outputs[o].name] = value(o);
    return object;
  }

  json defaults_of(const Table& t, const json& context) {
    const auto& outputs = t.source->outputs;
    bool any = std::any_of(t.defaults.begin(), t.defaults.end(), [](const auto& d) { return d.has_value(); });
    if (!any) return nullptr;
    auto value = [&](std::size_t o) { return t.defaults[o] ? t.defaults[o]->evaluate(context) : json(nullptr); };
    if (outputs.size() == 1) return value(0);
    json object = json::object();
    for (std::size_t o = 0; o < outputs.size(); ++o) object[outputs[o].name] = value(o);
    return object;
  }

  // A rule's rank by the output values' order: lower is higher priority.
  std::vector<std::size_t> rank(const Table& t, const json& outputs) {
    std::vector<std::size_t> out;
    const auto& columns = t.source->outputs;
    for (std::size_t o = 0; o < columns.size(); ++o) {
      const json& v = columns.size() == 1 ? outputs : outputs[columns[o].name];
      const auto& order = t.priorities[o];
      std::size_t at = order.size();
      for (std::size_t i = 0; i < order.size(); ++i)
        if (feel::equal(order[i], v)) {
          at = i;
          break;
        }
      out.push_back(at);
    }
    return out;
  }

  std::optional<json> table(const std::string& owner, const Table& t, const json& context) {
    std::vector<json> inputs;
    for (std::size_t i = 0; i < t.inputs.size(); ++i) {
      const auto& column = t.source->inputs[i];
      // A string where the column is typed as a date, a time or a duration is read as one.
      inputs.push_back(feel::typed(t.inputs[i].evaluate(context), t.types[i]));
      out_.inputs[owner + "/" + (column.label.empty() ? column.expression : column.label)] = inputs.back();
      // inputValues: a value outside them is an error of the evaluation, never a quiet miss.
      if (t.allowed[i] && !inputs.back().is_null() && !t.allowed[i]->matches(inputs.back(), context))
        return fail("decision table of '" + owner + "': input '" + (column.label.empty() ? column.expression : column.label) + "' is " +
                    feel::plain(inputs.back()).dump() + ", which is not among its values (" + t.allowed_text[i] + ")");
    }
    std::vector<std::size_t> matched;
    for (std::size_t r = 0; r < t.rules.size(); ++r) {
      bool all = true;
      for (std::size_t i = 0; i < t.rules[r].size() && all; ++i) all = t.rules[r][i].matches(inputs[i], context);
      if (all) matched.push_back(r);
    }
    auto note = [&](std::size_t r) { out_.matched.push_back({owner, static_cast<int>(r + 1), t.source->rules[r].id}); };
    auto rules_named = [&](std::size_t a, std::size_t b) { return "rules " + std::to_string(a + 1) + " and " + std::to_string(b + 1); };
    const HitPolicy policy = t.source->hit_policy;
    if (policy == HitPolicy::unique || policy == HitPolicy::any || policy == HitPolicy::priority || policy == HitPolicy::first) {
      if (matched.empty()) return defaults_of(t, context);
      if (policy == HitPolicy::unique && matched.size() > 1)
        return fail("decision table of '" + owner + "': the UNIQUE hit policy is violated: " + rules_named(matched[0], matched[1]) + " both match");
      std::size_t chosen = matched.front();
      json result = outputs_of(t, chosen, context);
      if (policy == HitPolicy::any)
        for (std::size_t r : matched)
          if (outputs_of(t, r, context) != result)
            return fail("decision table of '" + owner + "': the ANY hit policy is violated: " + rules_named(chosen, r) + " match with different outputs");
      if (policy == HitPolicy::priority)
        for (std::size_t r : matched) {
          json other = outputs_of(t, r, context);
          if (rank(t, other) < rank(t, result)) {
            chosen = r;
            result = other;
          }
        }
      note(chosen);
      return result;
    }
    // The multiple-hit policies: a list.
    if (policy == HitPolicy::output_order)
      std::stable_sort(matched.begin(), matched.end(),
                       [&](std::size_t a, std::size_t b) { return rank(t, outputs_of(t, a, context)) < rank(t, outputs_of(t, b, context)); });
    json list = json::array();
    for (std::size_t r : matched) {
      list.push_back(outputs_of(t, r, context));
      note(r);
    }
    if (policy != HitPolicy::collect || t.source->aggregation == Aggregation::none) return list;
    if (t.source->aggregation == Aggregation::count) return static_cast<double>(list.size());
    if (list.empty()) return json(nullptr);
    for (const auto& v : list)
      if (!v.is_number())
        return fail("decision table of '" + owner + "': COLLECT with an aggregation needs numbers, and a rule gave " + feel::plain(v).dump());
    double total = 0, low = std::numeric_limits<double>::infinity(), high = -low;
    for (const auto& v : list) {
      double x = v.get<double>();
      total += x;
      low = std::min(low, x);
      high = std::max(high, x);
    }
    switch (t.source->aggregation) {
      case Aggregation::sum: return total;
      case Aggregation::min: return low;
      case Aggregation::max: return high;
      default: return list;
    }
  }

  const DecisionEngine::Compiled& c_;
  DecisionOutcome& out_;
};

// FEEL numbers are decimals, computed here as doubles: a whole one is shown as a whole
// number (12, not 12.0) in results, the trail and the case variables.
void whole_numbers(json& v) {
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9007199254740992.0) v = static_cast<std::int64_t>(d);
  } else if (v.is_structured()) {
    for (auto& item : v) whole_numbers(item);
  }
}

}  // namespace

std::optional<DecisionEngine> DecisionEngine::compile(const DecisionModel& model, Diagnostics& diagnostics) {
  auto compiled = std::make_shared<Compiled>();
  compiled->model = model;
  const std::size_t before = diagnostics.error_count();
  Compiler compiler(compiled->model, diagnostics);
  for (const auto& d : compiled->model.decisions) compiled->logic[d.id] = compiler.compile(d.logic, d.id);
  for (const auto& k : compiled->model.knowledge) compiled->logic[k.id] = compiler.compile(k.logic, k.id);
  if (diagnostics.error_count() > before) return std::nullopt;
  DecisionEngine engine;
  engine.compiled_ = std::move(compiled);
  return engine;
}

const DecisionModel& DecisionEngine::model() const { return compiled_->model; }

DecisionOutcome DecisionEngine::evaluate(std::string_view decision, const json& variables) const {
  DecisionOutcome out;
  const Decision* target = compiled_->model.find(decision);
  if (!target) {
    out.error = "no decision '" + std::string(decision) + "'";
    return out;
  }
  json context = variables.is_object() ? variables : json::object();
  for (const auto& input : compiled_->model.inputs)  // input data typed as dates, times or durations
    if (!input.type_ref.empty() && context.contains(input.name)) {
      const ItemDefinition* item = item_named(compiled_->model, input.type_ref);
      context[input.name] = feel::typed(context[input.name], item ? item->type_ref : input.type_ref);
    }
  Evaluator evaluator(*compiled_, out);
  for (const Decision* d : compiled_->model.evaluation_order(*target)) {
    auto value = evaluator.run(d->id, compiled_->logic.at(d->id), context);
    if (!value) {
      out.result = nullptr;
      out.inputs = feel::plain(std::move(out.inputs));
      whole_numbers(out.inputs);
      return out;
    }
    context[d->variable] = *value;
    if (d == target) out.result = *value;
  }
  out.result = feel::plain(std::move(out.result));
  out.inputs = feel::plain(std::move(out.inputs));
  whole_numbers(out.result);
  whole_numbers(out.inputs);
  return out;
}

}  // namespace raciflow::definitions

namespace raciflow::definitions {

namespace {

// A DMN result as Camunda 7's rows: one object per matched rule, output name -> value.
json result_rows(const Decision& decision, const json& result) {
  const auto& table = decision.logic.table;
  std::string single = decision.variable;
  if (table && table->outputs.size() == 1 && !table->outputs.front().name.empty()) single = table->outputs.front().name;
  bool several = table && table->outputs.size() > 1;
  bool collects = table && table->aggregation == Aggregation::none &&
                  (table->hit_policy == HitPolicy::rule_order || table->hit_policy == HitPolicy::output_order ||
                   table->hit_policy == HitPolicy::collect);
  auto row = [&](const json& v) { return several ? v : json{{single, v}}; };
  json rows = json::array();
  if (collects) {
    for (const auto& item : result) rows.push_back(row(item));
  } else if (!result.is_null()) {
    rows.push_back(row(result));
  }
  return rows;
}

}  // namespace

json matched_json(const std::vector<MatchedRule>& matched) {
  json out = json::array();
  for (const auto& m : matched) {
    json rule = {{"decision", m.decision}, {"rule", m.rule}};
    if (!m.rule_id.empty()) rule["id"] = m.rule_id;
    out.push_back(std::move(rule));
  }
  return out;
}

std::optional<json> shape_result(const Decision& decision, const json& result, CalledDecision::Mapping mapping, std::string* error) {
  using Mapping = CalledDecision::Mapping;
  if (mapping == Mapping::dmn) return result;
  json rows = result_rows(decision, result);
  auto fail = [&](const std::string& why) -> std::optional<json> {
    if (error) *error = why;
    return std::nullopt;
  };
  const char* name = mapping == Mapping::single_entry ? "singleEntry" : mapping == Mapping::single_result ? "singleResult"
                     : mapping == Mapping::collect_entries ? "collectEntries" : "resultList";
  if (mapping == Mapping::result_list) return rows;
  if ((mapping == Mapping::single_entry || mapping == Mapping::single_result) && rows.size() > 1)
    return fail(std::string("camunda:mapDecisionResult is ") + name + ", but " + std::to_string(rows.size()) + " rules matched");
  for (const auto& r : rows)
    if (mapping != Mapping::single_result && r.size() != 1)
      return fail(std::string("camunda:mapDecisionResult is ") + name + ", but the decision has " + std::to_string(r.size()) + " outputs");
  if (mapping == Mapping::single_result) return rows.empty() ? json(nullptr) : rows.front();
  if (mapping == Mapping::single_entry) return rows.empty() ? json(nullptr) : rows.front().begin().value();
  json values = json::array();
  for (const auto& r : rows) values.push_back(r.begin().value());
  return values;
}

}  // namespace raciflow::definitions
