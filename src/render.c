/* render: under construction */
#include "render.h"
