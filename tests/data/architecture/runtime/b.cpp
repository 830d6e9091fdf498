#include "runtime/b.h"
#include "runtime/a.h"
