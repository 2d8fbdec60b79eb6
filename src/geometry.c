/* geometry: under construction */
#include "geometry.h"
