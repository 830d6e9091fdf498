#include "runtime/a.h"
#include "runtime/b.h"
