/* typeset: under construction */
#include "typeset.h"
