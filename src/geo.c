/* geo: under construction */
#include "geo.h"
