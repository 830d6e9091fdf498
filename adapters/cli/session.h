// An open command of the runtime: its store and a runtime at the command's clock
// (internal to adapters/cli; the command files that run cases share it).
#pragma once

#include <memory>

#include "adapters/cli/command.h"
#include "runtime/runtime.h"

namespace raciflow::cli {

struct Session {
  std::unique_ptr<runtime::Store> store;
  std::unique_ptr<runtime::Runtime> runtime;
  Session(const Globals& g, bool create) : store(open_store(g, create)) {
    runtime = std::make_unique<runtime::Runtime>(*store, clock_now(g));
  }
};

}  // namespace raciflow::cli
