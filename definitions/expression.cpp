#include "definitions/expression.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "definitions/utf8.h"

namespace raciflow::definitions {

using nlohmann::json;

enum class Op { literal, path, list, not_, and_, or_, eq, ne, lt, le, gt, ge, in };

struct ExpressionNode {
  Op op = Op::literal;
  json literal;                                   // Op::literal
  std::vector<std::string> path;                  // Op::path
  std::string path_text;                          // Op::path, for messages
  std::vector<std::shared_ptr<const ExpressionNode>> operands;
  int depth = 1;                                  // of the tree below, this node included
};

namespace {

// Parsing, evaluating and freeing an expression recurse over its tree: deeper nesting than
// any real condition needs ("((((...", "not not not ...", "a or a or ...") is refused.
constexpr int kMaxDepth = 64;

using NodePtr = std::shared_ptr<const ExpressionNode>;

enum class Tok { end, number, string, name, lparen, rparen, lbracket, rbracket, comma, dot, op };

struct Token {
  Tok kind = Tok::end;
  std::string text;
  std::size_t offset = 0;
};

class Parser {
 public:
  Parser(std::string_view src, std::size_t base) : src_(src), base_(base) {}

  NodePtr parse(Expression::SyntaxError& error, std::vector<std::string>& variables) {
    variables_ = &variables;
    if (!advance()) return fail(error);
    if (tok_.kind == Tok::end) {
      error_ = {tok_.offset, "empty expression"};
      return fail(error);
    }
    NodePtr root = parse_or();
    if (root && tok_.kind != Tok::end) {
      error_ = {tok_.offset, "unexpected '" + tok_.text + "'"};
      root = nullptr;
    }
    if (!root) return fail(error);
    return root;
  }

 private:
  NodePtr fail(Expression::SyntaxError& error) {
    error = error_;
    error.offset += base_;
    return nullptr;
  }

  bool lex_error(std::size_t at, std::string message) {
    error_ = {at, std::move(message)};
    return false;
  }

  bool advance() {
    while (pos_ < src_.size() && std::isspace(static_cast<unsigned char>(src_[pos_]))) ++pos_;
    tok_ = Token{Tok::end, "end of expression", pos_};
    if (pos_ >= src_.size()) return true;
    char c = src_[pos_];
    std::size_t start = pos_;
    auto single = [&](Tok kind) {
      tok_ = {kind, std::string(1, c), start};
      ++pos_;
      return true;
    };
    switch (c) {
      case '(': return single(Tok::lparen);
      case ')': return single(Tok::rparen);
      case '[': return single(Tok::lbracket);
      case ']': return single(Tok::rbracket);
      case ',': return single(Tok::comma);
      case '.':
        if (pos_ + 1 < src_.size() && std::isdigit(static_cast<unsigned char>(src_[pos_ + 1]))) break;
        return single(Tok::dot);
      default: break;
    }
    if (c == '\'' || c == '"') {
      std::string value;
      ++pos_;
      while (pos_ < src_.size() && src_[pos_] != c) {
        if (src_[pos_] == '\\' && pos_ + 1 < src_.size()) ++pos_;
        value += src_[pos_++];
      }
      if (pos_ >= src_.size()) return lex_error(start, "unterminated string");
      ++pos_;
      tok_ = {Tok::string, value, start};
      return true;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      while (pos_ < src_.size() && (std::isdigit(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '.')) ++pos_;
      if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
        ++pos_;
        if (pos_ < src_.size() && (src_[pos_] == '+' || src_[pos_] == '-')) ++pos_;
        while (pos_ < src_.size() && std::isdigit(static_cast<unsigned char>(src_[pos_]))) ++pos_;
      }
      tok_ = {Tok::number, std::string(src_.substr(start, pos_ - start)), start};
      return true;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (pos_ < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '_'))
        ++pos_;
      tok_ = {Tok::name, std::string(src_.substr(start, pos_ - start)), start};
      return true;
    }
    static const char* const two[] = {"==", "!=", "<=", ">=", "&&", "||"};
    for (const char* op : two) {
      if (src_.substr(pos_, 2) == op) {
        tok_ = {Tok::op, op, start};
        pos_ += 2;
        return true;
      }
    }
    if (c == '<' || c == '>' || c == '!' || c == '-') return single(Tok::op);
    if (c == '=') return lex_error(start, "'=' is not an operator; compare with '=='");
    return lex_error(start, std::string("unexpected character '") + c + "'");
  }

  bool is_word(const char* word) const { return tok_.kind == Tok::name && tok_.text == word; }
  bool is_op(const char* op) const { return tok_.kind == Tok::op && tok_.text == op; }

  NodePtr make(Op op, std::vector<NodePtr> operands) {
    auto node = std::make_shared<ExpressionNode>();
    node->op = op;
    for (const auto& operand : operands) node->depth = std::max(node->depth, operand->depth + 1);
    node->operands = std::move(operands);
    if (node->depth > kMaxDepth) return too_deep();
    return node;
  }

  NodePtr too_deep() {
    error_ = {tok_.offset, "the expression nests deeper than " + std::to_string(kMaxDepth) + " levels"};
    return nullptr;
  }

  // Counts the parser's own recursion (parentheses, lists, 'not').
  struct Nesting {
    explicit Nesting(int& level) : level_(level) { ++level_; }
    ~Nesting() { --level_; }
    bool too_deep() const { return level_ > kMaxDepth; }
    int& level_;
  };
  int nesting_ = 0;

  NodePtr parse_or() {
    NodePtr left = parse_and();
    while (left && (is_word("or") || is_op("||"))) {
      if (!advance()) return nullptr;
      NodePtr right = parse_and();
      if (!right) return nullptr;
      left = make(Op::or_, {left, right});
    }
    return left;
  }

  NodePtr parse_and() {
    NodePtr left = parse_not();
    while (left && (is_word("and") || is_op("&&"))) {
      if (!advance()) return nullptr;
      NodePtr right = parse_not();
      if (!right) return nullptr;
      left = make(Op::and_, {left, right});
    }
    return left;
  }

  NodePtr parse_not() {
    if (is_word("not") || is_op("!")) {
      Nesting nesting(nesting_);
      if (nesting.too_deep()) return too_deep();
      if (!advance()) return nullptr;
      NodePtr operand = parse_not();
      if (!operand) return nullptr;
      return make(Op::not_, {operand});
    }
    return parse_comparison();
  }

  std::optional<Op> comparison_op() const {
    if (tok_.kind == Tok::op) {
      if (tok_.text == "==") return Op::eq;
      if (tok_.text == "!=") return Op::ne;
      if (tok_.text == "<") return Op::lt;
      if (tok_.text == "<=") return Op::le;
      if (tok_.text == ">") return Op::gt;
      if (tok_.text == ">=") return Op::ge;
    }
    if (is_word("in")) return Op::in;
    return std::nullopt;
  }

  NodePtr parse_comparison() {
    NodePtr left = parse_primary();
    if (!left) return nullptr;
    auto op = comparison_op();
    if (!op) return left;
    if (!advance()) return nullptr;
    NodePtr right = parse_primary();
    if (!right) return nullptr;
    if (comparison_op()) {
      error_ = {tok_.offset, "comparisons do not chain; use 'and' (a < b and b < c)"};
      return nullptr;
    }
    return make(*op, {left, right});
  }

  NodePtr literal(json value) {
    auto node = std::make_shared<ExpressionNode>();
    node->literal = std::move(value);
    return node;
  }

  NodePtr parse_number(bool negative) {
    const std::string& text = tok_.text;
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) {
      error_ = {tok_.offset, "'" + text + "' is not a number"};
      return nullptr;
    }
    bool integral = text.find_first_of(".eE") == std::string::npos;
    NodePtr node;
    if (integral) {
      std::int64_t whole = 0;
      auto [last, problem] = std::from_chars(text.data(), text.data() + text.size(), whole);
      if (problem != std::errc() || last != text.data() + text.size()) {
        error_ = {tok_.offset, "'" + text + "' is too large for a whole number (at most 19 digits)"};
        return nullptr;
      }
      node = literal(json(negative ? -whole : whole));
    } else {
      if (!std::isfinite(value)) {
        error_ = {tok_.offset, "'" + text + "' is too large for a number"};
        return nullptr;
      }
      node = literal(json(negative ? -value : value));
    }
    if (!advance()) return nullptr;
    return node;
  }

  NodePtr parse_primary() {
    Nesting nesting(nesting_);
    if (nesting.too_deep()) return too_deep();
    switch (tok_.kind) {
      case Tok::number: return parse_number(false);
      case Tok::string: {
        NodePtr node = literal(json(tok_.text));
        if (!advance()) return nullptr;
        return node;
      }
      case Tok::lparen: {
        if (!advance()) return nullptr;
        NodePtr inner = parse_or();
        if (!inner) return nullptr;
        if (tok_.kind != Tok::rparen) {
          error_ = {tok_.offset, "expected ')' but found '" + tok_.text + "'"};
          return nullptr;
        }
        if (!advance()) return nullptr;
        return inner;
      }
      case Tok::lbracket: return parse_list();
      case Tok::name: return parse_name();
      case Tok::op:
        if (tok_.text == "-") {
          if (!advance()) return nullptr;
          if (tok_.kind != Tok::number) {
            error_ = {tok_.offset, "expected a number after '-'"};
            return nullptr;
          }
          return parse_number(true);
        }
        [[fallthrough]];
      default:
        error_ = {tok_.offset, tok_.kind == Tok::end ? "expression ends too early" : "unexpected '" + tok_.text + "'"};
        return nullptr;
    }
  }

  NodePtr parse_list() {
    std::vector<NodePtr> items;
    if (!advance()) return nullptr;
    if (tok_.kind != Tok::rbracket) {
      while (true) {
        NodePtr item = parse_primary();
        if (!item) return nullptr;
        items.push_back(item);
        if (tok_.kind == Tok::comma) {
          if (!advance()) return nullptr;
          continue;
        }
        if (tok_.kind == Tok::rbracket) break;
        error_ = {tok_.offset, "expected ',' or ']' in a list but found '" + tok_.text + "'"};
        return nullptr;
      }
    }
    if (!advance()) return nullptr;
    return make(Op::list, std::move(items));
  }

  NodePtr parse_name() {
    static const char* const reserved[] = {"and", "or", "not", "in"};
    for (const char* word : reserved) {
      if (tok_.text == word) {
        error_ = {tok_.offset, "'" + tok_.text + "' needs an operand before it"};
        return nullptr;
      }
    }
    if (tok_.text == "true" || tok_.text == "false" || tok_.text == "null") {
      NodePtr node = literal(tok_.text == "null" ? json(nullptr) : json(tok_.text == "true"));
      if (!advance()) return nullptr;
      return node;
    }
    auto node = std::make_shared<ExpressionNode>();
    node->op = Op::path;
    node->path.push_back(tok_.text);
    node->path_text = tok_.text;
    if (!advance()) return nullptr;
    while (tok_.kind == Tok::dot) {
      if (!advance()) return nullptr;
      if (tok_.kind != Tok::name) {
        error_ = {tok_.offset, "expected a name after '.'"};
        return nullptr;
      }
      node->path.push_back(tok_.text);
      node->path_text += "." + tok_.text;
      if (!advance()) return nullptr;
    }
    bool seen = false;
    for (const auto& v : *variables_) seen = seen || v == node->path_text;
    if (!seen) variables_->push_back(node->path_text);
    return node;
  }

  std::string_view src_;
  std::size_t base_;
  std::size_t pos_ = 0;
  Token tok_;
  Expression::SyntaxError error_;
  std::vector<std::string>* variables_ = nullptr;
};

// Evaluation ---------------------------------------------------------------------------

struct Evaluator {
  const json& vars;
  std::string error;

  std::optional<json> eval(const ExpressionNode& n) {
    switch (n.op) {
      case Op::literal: return n.literal;
      case Op::path: {
        const json* cur = &vars;
        for (const auto& part : n.path) {
          if (!cur->is_object() || !cur->contains(part)) {
            error = "unknown variable '" + n.path_text + "'";
            return std::nullopt;
          }
          cur = &(*cur)[part];
        }
        return *cur;
      }
      case Op::list: {
        json out = json::array();
        for (const auto& item : n.operands) {
          auto v = eval(*item);
          if (!v) return std::nullopt;
          out.push_back(std::move(*v));
        }
        return out;
      }
      case Op::not_: {
        auto v = boolean(*n.operands[0], "not");
        if (!v) return std::nullopt;
        return json(!*v);
      }
      case Op::and_:
      case Op::or_: {
        const char* name = n.op == Op::and_ ? "and" : "or";
        auto left = boolean(*n.operands[0], name);
        if (!left) return std::nullopt;
        if (n.op == Op::and_ && !*left) return json(false);
        if (n.op == Op::or_ && *left) return json(true);
        auto right = boolean(*n.operands[1], name);
        if (!right) return std::nullopt;
        return json(*right);
      }
      default: return compare(n);
    }
  }

  std::optional<bool> boolean(const ExpressionNode& n, const char* op) {
    auto v = eval(n);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
      error = std::string("operand of '") + op + "' is " + v->dump() + ", not true or false";
      return std::nullopt;
    }
    return v->get<bool>();
  }

  static bool equal(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
    return a == b;
  }

  std::optional<json> compare(const ExpressionNode& n) {
    auto left = eval(*n.operands[0]);
    if (!left) return std::nullopt;
    auto right = eval(*n.operands[1]);
    if (!right) return std::nullopt;
    switch (n.op) {
      case Op::eq: return json(equal(*left, *right));
      case Op::ne: return json(!equal(*left, *right));
      case Op::in: {
        if (!right->is_array()) {
          error = "right side of 'in' is " + right->dump() + ", not a list";
          return std::nullopt;
        }
        for (const auto& item : *right)
          if (equal(*left, item)) return json(true);
        return json(false);
      }
      default: break;
    }
    int order;
    if (left->is_number() && right->is_number()) {
      double a = left->get<double>(), b = right->get<double>();
      order = a < b ? -1 : (a > b ? 1 : 0);
    } else if (left->is_string() && right->is_string()) {
      int c = left->get_ref<const std::string&>().compare(right->get_ref<const std::string&>());
      order = c < 0 ? -1 : (c > 0 ? 1 : 0);
    } else {
      error = "cannot order " + left->dump() + " and " + right->dump() + " (both must be numbers or both strings)";
      return std::nullopt;
    }
    switch (n.op) {
      case Op::lt: return json(order < 0);
      case Op::le: return json(order <= 0);
      case Op::gt: return json(order > 0);
      default: return json(order >= 0);
    }
  }
};

}  // namespace

std::optional<Expression> Expression::compile(std::string_view source, SyntaxError* error) {
  // Strip a `${...}` wrapper (Camunda, Flowable) but keep offsets relative to `source`.
  std::size_t begin = 0, end = source.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(source[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(source[end - 1]))) --end;
  if (end - begin >= 3 && source.substr(begin, 2) == "${" && source[end - 1] == '}') {
    begin += 2;
    --end;
  }
  SyntaxError local;
  if (auto bad = first_invalid_utf8(source); bad != std::string_view::npos) {
    if (error) *error = {bad, "invalid UTF-8"};
    return std::nullopt;
  }
  Expression expr;
  expr.source_ = std::string(source);
  Parser parser(source.substr(begin, end - begin), begin);
  expr.root_ = parser.parse(local, expr.variables_);
  if (!expr.root_) {
    if (error) *error = local;
    return std::nullopt;
  }
  return expr;
}

EvalResult Expression::evaluate(const json& variables) const {
  Evaluator evaluator{variables, {}};
  auto value = evaluator.eval(*root_);
  EvalResult result;
  if (value)
    result.value = std::make_unique<json>(std::move(*value));
  else
    result.error = std::move(evaluator.error);
  return result;
}

std::optional<bool> Expression::test(const json& variables, std::string* error) const {
  EvalResult result = evaluate(variables);
  if (!result.ok()) {
    if (error) *error = result.error;
    return std::nullopt;
  }
  if (!result.value->is_boolean()) {
    if (error) *error = "condition gives " + result.value->dump() + ", not true or false";
    return std::nullopt;
  }
  return result.value->get<bool>();
}

}  // namespace raciflow::definitions
