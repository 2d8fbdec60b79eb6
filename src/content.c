/* content: under construction */
#include "content.h"
