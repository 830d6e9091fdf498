// The register a process's cases keep: raci:register on the process, and the
// <raci:register> declaration of its columns and heat map in its extensionElements
// (docs/registers.md).
#include <algorithm>
#include <regex>

#include "definitions/loader_internal.h"

namespace raciflow::definitions::loading {

namespace {

bool is_register_id(const std::string& id) {
  static const std::regex kId("[a-z][a-z0-9-]{0,62}");
  return std::regex_match(id, kId);
}

bool is_variable_path(const std::string& path) {
  static const std::regex kPath("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
  return std::regex_match(path, kPath);
}

}  // namespace

void Loader::load_register(pugi::xml_node process_element) {
  RegisterDeclaration& keeps = process_->keeps;
  const std::string& pid = process_->id;
  if (!keeps.id.empty() && !is_register_id(keeps.id))
    diag_.error(process_->line, pid, "raci:register of process '" + pid + "' is '" + keeps.id +
                                         "'; a register id is lower-case letters, digits and '-', such as risks");
  for (pugi::xml_node ext : process_element.children()) {
    if (ext.type() != pugi::node_element || local_name(ext.name()) != "extensionElements") continue;
    for (pugi::xml_node el : ext.children()) {
      if (el.type() != pugi::node_element || namespace_of(el) != kRaciNamespace) continue;
      if (local_name(el.name()) != "register") {
        unknown_element(el);
        continue;
      }
      const int at = line(el);
      if (keeps.declared) {
        diag_.error(at, pid, "process '" + pid + "' declares its register twice (first on line " + std::to_string(keeps.line) + ")");
        continue;
      }
      keeps.declared = true;
      keeps.line = at;
      if (keeps.id.empty())
        diag_.error(at, pid, "<raci:register> in process '" + pid + "' declares a register, but the process has no raci:register naming it");
      for (pugi::xml_attribute a : el.attributes()) {
        std::string_view n = local_name(a.name());
        if (n == "name") keeps.name = trim(a.value());
        else if (n == "nameDa") keeps.name_da = trim(a.value());
        else if (n == "review") {
          keeps.review = trim(a.value());
          std::string why;
          if (!parse_duration(keeps.review, &why))
            diag_.error(at, pid, "review of register '" + keeps.id + "' is '" + keeps.review + "': " + why);
        } else if (prefix_of(a.name()) != "xmlns")
          diag_.warning(at, pid, "unknown attribute " + std::string(a.name()) + " on <raci:register> is ignored");
      }
      if (keeps.name.empty()) diag_.error(at, pid, "register '" + keeps.id + "' has no name (the English one)");
      if (keeps.name_da.empty()) diag_.error(at, pid, "register '" + keeps.id + "' has no nameDa (the Danish name)");
      for (pugi::xml_node child : el.children()) {
        if (child.type() != pugi::node_element) continue;
        std::string_view kind = local_name(child.name());
        const int cl = line(child);
        if (namespace_of(child) != kRaciNamespace || (kind != "column" && kind != "heatMap")) {
          unknown_element(child);
          continue;
        }
        if (kind == "column") {
          RegisterColumn column;
          column.line = cl;
          for (pugi::xml_attribute a : child.attributes()) {
            std::string_view n = local_name(a.name());
            if (n == "variable") column.variable = trim(a.value());
            else if (n == "label") column.label = trim(a.value());
            else if (n == "labelDa") column.label_da = trim(a.value());
            else if (n == "type") column.type = trim(a.value());
            else if (n == "carry") {
              std::string v = trim(a.value());
              if (v != "true" && v != "false")
                diag_.error(cl, pid, "carry of column '" + column.variable + "' is '" + v + "'; expected true or false");
              column.carry = v == "true";
            }
            else if (prefix_of(a.name()) != "xmlns")
              diag_.warning(cl, pid, "unknown attribute " + std::string(a.name()) + " on <raci:column> is ignored");
          }
          if (!is_variable_path(column.variable))
            diag_.error(cl, pid, "a column of register '" + keeps.id + "' has variable '" + column.variable +
                                     "'; expected a variable name or a path such as risk.level");
          static const char* const kTypes[] = {"text", "number", "yesno", "date", "role", "list"};
          if (std::find(std::begin(kTypes), std::end(kTypes), column.type) == std::end(kTypes))
            diag_.error(cl, pid, "column '" + column.variable + "' of register '" + keeps.id + "' has type '" + column.type +
                                     "'; expected text, number, yesno, date, role or list");
          if (column.label.empty() || column.label_da.empty())
            diag_.error(cl, pid, "column '" + column.variable + "' of register '" + keeps.id + "' needs both label and labelDa");
          for (const auto& other : keeps.columns)
            if (other.variable == column.variable)
              diag_.error(cl, pid, "register '" + keeps.id + "' has column '" + column.variable + "' twice (first on line " +
                                       std::to_string(other.line) + ")");
          keeps.columns.push_back(std::move(column));
          continue;
        }
        RegisterHeatMap& map = keeps.heat_map;
        std::string size;
        for (pugi::xml_attribute a : child.attributes()) {
          std::string_view n = local_name(a.name());
          std::string v = trim(a.value());
          if (n == "likelihood") map.likelihood = v;
          else if (n == "impact") map.impact = v;
          else if (n == "residualLikelihood") map.residual_likelihood = v;
          else if (n == "residualImpact") map.residual_impact = v;
          else if (n == "aboveAcceptance") map.above = v;
          else if (n == "size") size = v;
          else if (prefix_of(a.name()) != "xmlns")
            diag_.warning(cl, pid, "unknown attribute " + std::string(a.name()) + " on <raci:heatMap> is ignored");
        }
        static const std::regex kSize("[2-9]|10");
        if (!std::regex_match(size, kSize))
          diag_.error(cl, pid, "the heat map of register '" + keeps.id + "' has size '" + size + "'; expected 2 to 10 (a 5 x 5 matrix is size=\"5\")");
        else
          map.size = std::stoi(size);
        if (map.likelihood.empty() || map.impact.empty())
          diag_.error(cl, pid, "the heat map of register '" + keeps.id + "' needs the likelihood and impact variables");
        if (map.residual_likelihood.empty() != map.residual_impact.empty())
          diag_.error(cl, pid, "the heat map of register '" + keeps.id + "' needs both residualLikelihood and residualImpact, or neither");
        for (const std::string* v : {&map.likelihood, &map.impact, &map.residual_likelihood, &map.residual_impact, &map.above})
          if (!v->empty() && !is_variable_path(*v))
            diag_.error(cl, pid, "the heat map of register '" + keeps.id + "' names '" + *v + "', which is not a variable or a path");
      }
    }
  }
}

}  // namespace raciflow::definitions::loading
