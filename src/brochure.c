/* brochure: under construction */
#include "brochure.h"
