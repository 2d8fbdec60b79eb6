/* composite: under construction */
#include "composite.h"
