// The words of a message a person reads, in Danish and in English: a phrase has an id
// (stable, for scripts and tests) and named values, and each language has its own
// template for the id. Findings carry one (Diagnostic::said); the English text is also
// their `message`, so output that scripts read does not change with the language.
//
// Values are kept in both languages when they are words themselves (an element described
// as "userTask 'Assess' (assess)" is "brugeropgave 'Assess' (assess)" in Danish); ids,
// names and numbers are the same in both.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace raciflow::definitions {

enum class Language { en, da };

// "da", "da-DK", "da_DK.UTF-8" are Danish; "en", "en-GB", "C", "POSIX" English; else none.
std::optional<Language> parse_language(std::string_view text);
const char* to_string(Language language);

struct Words {
  std::string en, da;
  Words() = default;
  Words(std::string same) : en(same), da(std::move(same)) {}  // NOLINT: ids and names read the same
  Words(std::string english, std::string danish) : en(std::move(english)), da(std::move(danish)) {}
  const std::string& in(Language language) const { return language == Language::da ? da : en; }
};

struct Phrase {
  std::string id;  // empty: a message not in the catalogue yet, English only
  std::vector<std::pair<std::string, Words>> values;
  std::string english;  // the text of an uncatalogued message
};

// The message's text in `language`: its template with {name} replaced by the values.
std::string text(const Phrase& phrase, Language language);
// Whether the catalogue has `id` (tests check that every id used has both texts).
bool catalogued(std::string_view id);
// Every id of the catalogue, for the docs and the tests.
std::vector<std::string> catalogue_ids();

}  // namespace raciflow::definitions
