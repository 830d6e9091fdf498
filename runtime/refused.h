// What every runtime operation throws when it says no: a one-line message for the person,
// its kind (engine/refusal.h) for the adapters to answer by, and nothing changed.
#pragma once

#include <stdexcept>
#include <string>

#include "engine/refusal.h"

namespace raciflow::runtime {

using engine::RefusalKind;

struct Refused : std::runtime_error {
  explicit Refused(const std::string& message, RefusalKind kind = RefusalKind::invalid)
      : std::runtime_error(message), kind(kind) {}
  RefusalKind kind;
};

}  // namespace raciflow::runtime
