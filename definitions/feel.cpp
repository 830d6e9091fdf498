#include "definitions/feel.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <vector>

namespace raciflow::definitions::feel {

using nlohmann::json;

struct Node {
  enum class Kind { literal, path, negate, binary, compare_test, interval_test, equal_test, null_test };
  Kind kind = Kind::literal;
  json value;                         // literal
  std::vector<std::string> path;      // path: name, then fields
  std::string op;                     // binary and compare_test
  std::shared_ptr<const Node> a, b;   // operands; a test's endpoints
  bool open_low = false, open_high = false;
  std::vector<std::shared_ptr<const Node>> tests;  // a list of tests
};

namespace {

constexpr int kMaxDepth = 64;

bool name_start(unsigned char c) { return std::isalpha(c) || c == '_' || c == '?' || c >= 0x80; }
bool name_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '?' || c >= 0x80; }

class Parser {
 public:
  Parser(std::string_view text, const Names& names) : s_(text), names_(names) {}

  std::shared_ptr<const Node> expression_only() {
    auto node = comparison(0);
    space();
    if (node && pos_ < s_.size()) fail("unexpected '" + std::string(s_.substr(pos_, 1)) + "'");
    return failed_ ? nullptr : node;
  }

  // A list of positive unary tests separated by commas, to the end (or a closing ')' when
  // `in_not`).
  std::shared_ptr<const Node> tests(bool in_not) {
    auto list = std::make_shared<Node>();
    for (;;) {
      auto test = positive_test();
      if (!test) return nullptr;
      list->tests.push_back(test);
      space();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      break;
    }
    space();
    if (in_not) {
      if (pos_ >= s_.size() || s_[pos_] != ')') return fail("not(...) is missing its ')'");
      ++pos_;
      space();
    }
    if (pos_ < s_.size()) return fail("unexpected '" + std::string(s_.substr(pos_, 1)) + "' in the unary tests");
    return list;
  }

  bool at(std::string_view word) {
    space();
    if (s_.substr(pos_, word.size()) != word) return false;
    std::size_t after = pos_ + word.size();
    if (name_char(static_cast<unsigned char>(word.back())) && after < s_.size() && name_char(static_cast<unsigned char>(s_[after]))) return false;
    pos_ = after;
    return true;
  }
  void space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  std::size_t offset() const { return pos_; }
  const std::string& error() const { return error_; }
  bool failed() const { return failed_; }

 private:
  std::shared_ptr<const Node> fail(std::string message) {
    if (!failed_) {
      failed_ = true;
      error_ = std::move(message);
      error_at_ = pos_;
    }
    return nullptr;
  }

  std::shared_ptr<const Node> positive_test() {
    space();
    auto test = std::make_shared<Node>();
    if (at("null")) {
      space();
      if (pos_ >= s_.size() || s_[pos_] == ',' || s_[pos_] == ')') {
        test->kind = Node::Kind::null_test;
        return test;
      }
      return fail("null stands alone in a unary test");
    }
    for (const char* op : {"<=", ">=", "<", ">"}) {
      if (!at(op)) continue;
      test->kind = Node::Kind::compare_test;
      test->op = op;
      test->a = additive(0);
      return test->a ? test : nullptr;
    }
    if (pos_ < s_.size() && (s_[pos_] == '[' || s_[pos_] == '(' || s_[pos_] == ']')) {
      test->kind = Node::Kind::interval_test;
      test->open_low = s_[pos_] != '[';
      ++pos_;
      test->a = additive(0);
      if (!test->a) return nullptr;
      space();
      if (s_.substr(pos_, 2) != "..") return fail("an interval needs '..' between its endpoints");
      pos_ += 2;
      test->b = additive(0);
      if (!test->b) return nullptr;
      space();
      if (pos_ >= s_.size() || (s_[pos_] != ']' && s_[pos_] != ')' && s_[pos_] != '[')) return fail("an interval ends with ']', ')' or '['");
      test->open_high = s_[pos_] != ']';
      ++pos_;
      return test;
    }
    test->kind = Node::Kind::equal_test;
    test->a = additive(0);
    return test->a ? test : nullptr;
  }

  std::shared_ptr<const Node> binary(std::string op, std::shared_ptr<const Node> a, std::shared_ptr<const Node> b) {
    if (!a || !b) return nullptr;
    auto n = std::make_shared<Node>();
    n->kind = Node::Kind::binary;
    n->op = std::move(op);
    n->a = std::move(a);
    n->b = std::move(b);
    return n;
  }

  std::shared_ptr<const Node> comparison(int depth) {
    auto left = additive(depth);
    if (!left) return nullptr;
    for (const char* op : {"!=", "<=", ">=", "=", "<", ">"})
      if (at(op)) return binary(op, left, additive(depth));
    return left;
  }

  std::shared_ptr<const Node> additive(int depth) {
    return left_to_right(depth, "+-", &Parser::multiplicative);
  }

  std::shared_ptr<const Node> multiplicative(int depth) {
    return left_to_right(depth, "*/", &Parser::power);
  }

  // operand (op operand)*, for the one-character operators in `ops` ('*' never as '**').
  std::shared_ptr<const Node> left_to_right(int depth, std::string_view ops, std::shared_ptr<const Node> (Parser::*operand)(int)) {
    auto left = (this->*operand)(depth);
    while (left) {
      space();
      if (pos_ >= s_.size() || ops.find(s_[pos_]) == std::string_view::npos || s_.substr(pos_, 2) == "**") break;
      std::string op(1, s_[pos_++]);
      left = binary(op, left, (this->*operand)(depth));
    }
    return left;
  }

  std::shared_ptr<const Node> power(int depth) {
    auto left = unary(depth);
    while (left && at("**")) left = binary("**", left, unary(depth));
    return left;
  }

  std::shared_ptr<const Node> unary(int depth) {
    if (depth > kMaxDepth) return fail("the expression is nested deeper than " + std::to_string(kMaxDepth) + " levels");
    space();
    if (pos_ < s_.size() && s_[pos_] == '-') {
      ++pos_;
      auto operand = unary(depth + 1);
      if (!operand) return nullptr;
      auto n = std::make_shared<Node>();
      n->kind = Node::Kind::negate;
      n->a = operand;
      return n;
    }
    return primary(depth);
  }

  std::shared_ptr<const Node> primary(int depth) {
    space();
    if (pos_ >= s_.size()) return fail("an expression is missing");
    auto n = std::make_shared<Node>();
    char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      auto inner = comparison(depth + 1);
      space();
      if (!inner) return nullptr;
      if (pos_ >= s_.size() || s_[pos_] != ')') return fail("a '(' without its ')'");
      ++pos_;
      return inner;
    }
    if (c == '"') {
      std::string out;
      for (++pos_; pos_ < s_.size() && s_[pos_] != '"'; ++pos_) {
        if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) {
          char e = s_[++pos_];
          out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        } else {
          out += s_[pos_];
        }
      }
      if (pos_ >= s_.size()) return fail("a string without its closing '\"'");
      ++pos_;
      n->value = out;
      return n;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && pos_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_ + 1])))) {
      std::size_t start = pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      if (pos_ + 1 < s_.size() && s_[pos_] == '.' && std::isdigit(static_cast<unsigned char>(s_[pos_ + 1]))) {
        ++pos_;
        while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      }
      double value = 0;
      std::string digits(s_.substr(start, pos_ - start));
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(value)) return fail("the number " + digits + " is out of range");
      n->value = value;
      return n;
    }
    // The temporal literals: date("..."), time("..."), date and time("..."), duration("...").
    for (auto [word, kind] : {std::pair{"date and time", Temporal::date_time}, std::pair{"date", Temporal::date},
                              std::pair{"time", Temporal::time}, std::pair{"duration", Temporal::days_time}}) {
      std::size_t start = pos_;
      if (!at(word)) continue;
      space();
      if (pos_ >= s_.size() || s_[pos_] != '(') {
        pos_ = start;  // a name that begins like one ("date of receipt")
        break;
      }
      ++pos_;
      space();
      if (pos_ >= s_.size() || s_[pos_] != '"') return fail(std::string(word) + "(...) takes one string, as in " + word + "(\"...\")");
      std::size_t open = ++pos_;
      while (pos_ < s_.size() && s_[pos_] != '"') ++pos_;
      if (pos_ >= s_.size()) return fail("a string without its closing '\"'");
      std::string_view text = s_.substr(open, pos_ - open);
      ++pos_;
      space();
      if (pos_ >= s_.size() || s_[pos_] != ')') return fail(std::string(word) + "(...) takes one string and its ')'");
      ++pos_;
      auto value = temporal(kind, text);
      if (!value) {
        pos_ = open;
        return fail("'" + std::string(text) + "' is not a " + (kind == Temporal::days_time ? std::string("duration") : std::string(word)));
      }
      n->value = *value;
      return n;
    }
    if (at("true")) { n->value = true; return n; }
    if (at("false")) { n->value = false; return n; }
    if (at("null")) { n->value = nullptr; return n; }
    if (!name_start(static_cast<unsigned char>(c))) return fail("unexpected '" + std::string(1, c) + "'");
    n->kind = Node::Kind::path;
    n->path.push_back(name());
    while (pos_ < s_.size() && s_[pos_] == '.' && s_.substr(pos_, 2) != "..") {
      ++pos_;
      if (pos_ >= s_.size() || !name_start(static_cast<unsigned char>(s_[pos_]))) return fail("a '.' without a name after it");
      n->path.push_back(name());
    }
    space();
    if (pos_ < s_.size() && s_[pos_] == '(')
      return fail("'" + n->path.back() + "(' calls a function; the decision tables raciflow evaluates use none but date, time, "
                  "date and time and duration");
    return n;
  }

  // The longest declared name that starts here (it may hold spaces), else one word.
  std::string name() {
    std::string_view rest = s_.substr(pos_);
    std::string best;
    for (const auto& known : names_)
      if (known.size() > best.size() && rest.substr(0, known.size()) == known &&
          (rest.size() == known.size() || !name_char(static_cast<unsigned char>(rest[known.size()]))))
        best = known;
    if (best.empty()) {
      std::size_t end = 0;
      while (end < rest.size() && name_char(static_cast<unsigned char>(rest[end]))) ++end;
      best = std::string(rest.substr(0, end));
    }
    pos_ += best.size();
    return best;
  }

  std::string_view s_;
  const Names& names_;
  std::size_t pos_ = 0;
  bool failed_ = false;
  std::string error_;
  std::size_t error_at_ = 0;

 public:
  std::size_t error_at() const { return error_at_; }
};

json number_or_null(double d) { return std::isfinite(d) ? json(d) : json(nullptr); }

json eval(const Node& n, const json& vars) {
  switch (n.kind) {
    case Node::Kind::literal: return n.value;
    case Node::Kind::path: {
      const json* at = &vars;
      for (const auto& part : n.path) {
        if (!at->is_object()) return nullptr;
        auto it = at->find(part);
        if (it == at->end()) return nullptr;
        at = &*it;
      }
      return *at;
    }
    case Node::Kind::negate: {
      json v = eval(*n.a, vars);
      if (v.is_binary()) return temporal_negate(v);
      return v.is_number() ? number_or_null(-v.get<double>()) : json(nullptr);
    }
    case Node::Kind::binary: {
      json a = eval(*n.a, vars), b = eval(*n.b, vars);
      const std::string& op = n.op;
      if (op == "=") return a.is_null() || b.is_null() ? json(a.is_null() && b.is_null()) : (compare(a, b) || a.type() == b.type() ? json(equal(a, b)) : json(nullptr));
      if (op == "!=") return a.is_null() || b.is_null() ? json(!(a.is_null() && b.is_null())) : (compare(a, b) || a.type() == b.type() ? json(!equal(a, b)) : json(nullptr));
      if (op == "<" || op == "<=" || op == ">" || op == ">=") {
        auto c = compare(a, b);
        if (!c) return nullptr;
        return op == "<" ? *c < 0 : op == "<=" ? *c <= 0 : op == ">" ? *c > 0 : *c >= 0;
      }
      if (op == "+" && a.is_string() && b.is_string()) return a.get<std::string>() + b.get<std::string>();
      if (a.is_binary() || b.is_binary()) return op == "**" ? json(nullptr) : temporal_arithmetic(op, a, b);
      if (!a.is_number() || !b.is_number()) return nullptr;
      double x = a.get<double>(), y = b.get<double>();
      if (op == "+") return number_or_null(x + y);
      if (op == "-") return number_or_null(x - y);
      if (op == "*") return number_or_null(x * y);
      if (op == "/") return y == 0 ? json(nullptr) : number_or_null(x / y);
      if (op == "**") return number_or_null(std::pow(x, y));
      return nullptr;
    }
    default: return nullptr;
  }
}

// Whether `input` passes one positive test: true, false, or null (neither).
json passes(const Node& test, const json& input, const json& vars) {
  switch (test.kind) {
    case Node::Kind::null_test: return input.is_null();
    case Node::Kind::equal_test: {
      json v = eval(*test.a, vars);
      if (v.is_null() || input.is_null()) return v.is_null() && input.is_null();
      return equal(input, v);
    }
    case Node::Kind::compare_test: {
      auto c = compare(input, eval(*test.a, vars));
      if (!c) return nullptr;
      const std::string& op = test.op;
      return op == "<" ? *c < 0 : op == "<=" ? *c <= 0 : op == ">" ? *c > 0 : *c >= 0;
    }
    case Node::Kind::interval_test: {
      auto low = compare(input, eval(*test.a, vars)), high = compare(input, eval(*test.b, vars));
      if (!low || !high) return nullptr;
      return (test.open_low ? *low > 0 : *low >= 0) && (test.open_high ? *high < 0 : *high <= 0);
    }
    default: return nullptr;
  }
}

}  // namespace

bool equal(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.is_binary() || b.is_binary()) return compare_temporal(a, b) == 0;
  if (a.type() != b.type()) return false;
  return a == b;
}

std::optional<int> compare(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) {
    double x = a.get<double>(), y = b.get<double>();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is_string() && b.is_string()) {
    int c = a.get<std::string>().compare(b.get<std::string>());
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (a.is_boolean() && b.is_boolean()) return a == b ? std::optional<int>(0) : std::nullopt;  // booleans are equal or not
  if (a.is_binary() || b.is_binary()) return compare_temporal(a, b);
  return std::nullopt;
}

std::optional<SimpleExpression> SimpleExpression::compile(std::string_view text, const Names& names, CompileError* error) {
  Parser p(text, names);
  auto root = p.expression_only();
  if (!root) {
    if (error) *error = {p.error_at(), p.error()};
    return std::nullopt;
  }
  SimpleExpression e;
  e.text_ = std::string(text);
  e.root_ = root;
  return e;
}

json SimpleExpression::evaluate(const json& variables) const { return eval(*root_, variables); }

std::optional<UnaryTests> UnaryTests::compile(std::string_view text, const Names& names, CompileError* error) {
  UnaryTests t;
  t.text_ = std::string(text);
  Parser p(text, names);
  p.space();
  std::size_t start = p.offset();
  if (start == text.size() || (text.substr(start) == "-" || (text[start] == '-' && text.find_first_not_of(" \t\r\n", start + 1) == std::string_view::npos))) {
    t.any_ = true;
    return t;
  }
  if (p.at("not")) {
    p.space();
    if (p.offset() < text.size() && text[p.offset()] == '(') {
      // The tests inside, up to the closing ')'.
      std::string_view rest = text.substr(p.offset() + 1);
      Parser q(rest, names);
      t.negated_ = true;
      t.tests_ = q.tests(true);
      if (!t.tests_) {
        if (error) *error = {p.offset() + 1 + q.error_at(), q.error()};
        return std::nullopt;
      }
      return t;
    }
  }
  Parser q(text, names);
  t.tests_ = q.tests(false);
  if (!t.tests_) {
    if (error) *error = {q.error_at(), q.error()};
    return std::nullopt;
  }
  return t;
}

bool UnaryTests::matches(const json& input, const json& variables) const {
  if (any_) return true;
  bool any_true = false;
  for (const auto& test : tests_->tests)
    if (passes(*test, input, variables) == json(true)) {
      any_true = true;
      break;
    }
  return negated_ ? !any_true : any_true;
}

}  // namespace raciflow::definitions::feel
