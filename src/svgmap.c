/* svgmap: under construction */
#include "svgmap.h"
