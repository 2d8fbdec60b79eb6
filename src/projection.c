/* projection: under construction */
#include "projection.h"
