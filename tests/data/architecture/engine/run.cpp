// Planted: a library the engine does not link, and one nobody links.
#include <sqlite3.h>
#include <zmq.h>
#include <nlohmann/json.hpp>
#include "definitions/model.h"
