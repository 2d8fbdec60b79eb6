/* output: under construction */
#include "output.h"
