// Why a command is refused, as a kind the adapters map to their own answers (an HTTP
// status, an exit code) without reading the message.
#pragma once

namespace raciflow::engine {

enum class RefusalKind {
  invalid,    // the command itself is wrong: a malformed value, a missing reason
  not_found,  // it names a task, start event or token the case does not have
  conflict,   // the case or task is not in a state that allows it (done, claimed, ended)
  forbidden,  // the actor may not do it (role, claim, separation of duties)
};

}  // namespace raciflow::engine
