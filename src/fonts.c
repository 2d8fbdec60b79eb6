/* fonts: under construction */
#include "fonts.h"
