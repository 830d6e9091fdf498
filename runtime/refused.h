// What every runtime operation throws when it says no: a one-line message for the person,
// its kind (engine/refusal.h) for the adapters to answer by, and nothing changed.
#pragma once

#include <stdexcept>
#include <string>

#include "definitions/messages.h"
#include "engine/refusal.h"

namespace raciflow::runtime {

using engine::RefusalKind;

struct Refused : std::runtime_error {
  explicit Refused(const std::string& message, RefusalKind kind = RefusalKind::invalid)
      : std::runtime_error(message), kind(kind) {}
  // A refusal from the catalogue (definitions/messages.h), after `lead` ("task 12: "); the
  // message is its English text.
  Refused(definitions::Phrase said, RefusalKind kind, definitions::Words lead = {})
      : std::runtime_error(lead.en + definitions::text(said, definitions::Language::en)),
        kind(kind), said(std::move(said)), lead(std::move(lead)) {}
  // The message in `language`: the catalogue's text when it has one, else the English.
  std::string text(definitions::Language language) const {
    return said.id.empty() ? std::string(what()) : lead.in(language) + definitions::text(said, language);
  }
  RefusalKind kind;
  definitions::Phrase said{};
  definitions::Words lead{};
};

}  // namespace raciflow::runtime
