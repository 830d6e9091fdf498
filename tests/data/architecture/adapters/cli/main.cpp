// A planted fixture for tests/architecture_test.cpp: each breach is on purpose.
#include "adapters/http/work_pool.h"
#include "adapters/http/api.h"
#include "runtime/store.h"
