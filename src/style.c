/* style: under construction */
#include "style.h"
