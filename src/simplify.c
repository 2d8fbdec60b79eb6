/* simplify: under construction */
#include "simplify.h"
