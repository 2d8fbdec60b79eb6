/* htmlmap: under construction */
#include "htmlmap.h"
