#pragma once
// A planted breach: the floor below reaches up.
#include "runtime/store.h"
