// DMN compliance level 2: the decision models of tests/conformance/dmn with their test
// cases in the TCK's testCases format, each resultNode evaluated by raciflow's decision
// engine and compared with the expected value.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include <pugixml.hpp>

#include "definitions/dmn.h"
#include "definitions/dmn_eval.h"
#include "definitions/feel.h"

using namespace raciflow::definitions;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kRoot = fs::path(RACIFLOW_SOURCE_DIR) / "tests" / "conformance" / "dmn";

std::string local(const char* qname) {
  std::string name = qname;
  auto colon = name.find(':');
  return colon == std::string::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child(pugi::xml_node node, const std::string& name) {
  for (auto c : node.children())
    if (local(c.name()) == name) return c;
  return {};
}

std::string xsi_type(pugi::xml_node value) {
  for (auto a : value.attributes())
    if (local(a.name()) == "type") return local(a.value());
  return "";
}

bool nil(pugi::xml_node value) {
  for (auto a : value.attributes())
    if (local(a.name()) == "nil") return std::string(a.value()) == "true";
  return false;
}

// A TCK value holder (inputNode, expected, component, item) as JSON: its value, its
// components as an object, or its list.
json read_value(pugi::xml_node holder) {
  if (auto v = child(holder, "value")) {
    if (nil(v)) return nullptr;
    std::string type = xsi_type(v), text = v.text().get();
    if (type == "decimal" || type == "double" || type == "integer" || type == "int" || type == "long") return std::stod(text);
    if (type == "boolean") return text == "true";
    return text;
  }
  if (auto list = child(holder, "list")) {
    json out = json::array();
    for (auto item : list.children())
      if (local(item.name()) == "item") out.push_back(read_value(item));
    return out;
  }
  json out = json::object();
  for (auto c : holder.children())
    if (local(c.name()) == "component") out[c.attribute("name").value()] = read_value(c);
  return out;
}

// Whether `actual` is the expected value in `holder`: numbers within a rounding error,
// dates, times and durations by their value (PT72H is P3D), the rest exactly.
bool same(pugi::xml_node holder, const json& actual) {
  if (auto v = child(holder, "value")) {
    if (nil(v)) return actual.is_null();
    std::string type = xsi_type(v), text = v.text().get();
    if (type == "decimal" || type == "double" || type == "integer" || type == "int" || type == "long")
      return actual.is_number() && std::fabs(actual.get<double>() - std::stod(text)) <= 1e-9 * std::max(1.0, std::fabs(std::stod(text)));
    if (type == "boolean") return actual.is_boolean() && actual.get<bool>() == (text == "true");
    if (type == "date" || type == "time" || type == "dateTime" || type == "duration") {
      // "duration" reads either kind: years and months, or days and time.
      json a = feel::typed(actual, type), e = feel::typed(text, type);
      return !e.is_null() && feel::equal(a, e);
    }
    return actual == text;
  }
  if (auto list = child(holder, "list")) {
    std::vector<pugi::xml_node> items;
    for (auto item : list.children())
      if (local(item.name()) == "item") items.push_back(item);
    if (!actual.is_array() || actual.size() != items.size()) return false;
    for (std::size_t i = 0; i < items.size(); ++i)
      if (!same(items[i], actual[i])) return false;
    return true;
  }
  if (!actual.is_object()) return false;
  std::size_t components = 0;
  for (auto c : holder.children()) {
    if (local(c.name()) != "component") continue;
    ++components;
    auto it = actual.find(c.attribute("name").value());
    if (it == actual.end() || !same(c, *it)) return false;
  }
  return components == actual.size();
}

struct Result {
  std::string where;  // file, test case, result node
  bool passed = false;
  std::string got;
};

// Every result node of every test case of the model `dmn`.
std::vector<Result> run(const fs::path& dmn) {
  std::vector<Result> results;
  Diagnostics d(dmn.filename().string());
  auto model = load_dmn_file(dmn.string(), d);
  std::optional<DecisionEngine> engine;
  if (model) engine = DecisionEngine::compile(*model, d);
  for (const auto& f : d.all()) FAIL_CHECK(f.format());
  std::string stem = dmn.stem().string();
  for (const auto& entry : fs::directory_iterator(kRoot)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(stem + "-test-", 0) != 0 || entry.path().extension() != ".xml") continue;
    pugi::xml_document doc;
    REQUIRE(doc.load_file(entry.path().c_str()));
    for (auto test : doc.document_element().children()) {
      if (local(test.name()) != "testCase") continue;
      json variables = json::object();
      for (auto input : test.children())
        if (local(input.name()) == "inputNode") variables[input.attribute("name").value()] = read_value(input);
      for (auto node : test.children()) {
        if (local(node.name()) != "resultNode") continue;
        Result r;
        r.where = name + " #" + test.attribute("id").value() + " " + node.attribute("name").value();
        if (engine) {
          auto outcome = engine->evaluate(node.attribute("name").value(), variables);
          r.got = outcome.ok() ? outcome.result.dump() : "error: " + outcome.error;
          // errorResult="true": the evaluation must fail (a violated hit policy, a value out of range).
          r.passed = node.attribute("errorResult").as_bool() ? !outcome.ok()
                                                              : outcome.ok() && same(child(node, "expected"), outcome.result);
        }
        results.push_back(r);
      }
    }
  }
  return results;
}

}  // namespace

TEST_CASE("DMN level 2 conformance: every result of every test case in tests/conformance/dmn is as expected") {
  std::vector<fs::path> models;
  for (const auto& entry : fs::directory_iterator(kRoot))
    if (entry.path().extension() == ".dmn") models.push_back(entry.path());
  std::sort(models.begin(), models.end());
  REQUIRE(models.size() >= 6);
  std::size_t total = 0, passed = 0;
  for (const auto& m : models) {
    auto results = run(m);
    CHECK_FALSE(results.empty());
    for (const auto& r : results) {
      INFO(r.where << ": got " << r.got);
      CHECK(r.passed);
      ++total;
      passed += r.passed;
    }
  }
  INFO(passed << " of " << total << " results as expected");
  CHECK(passed == total);
}
