/* labels: under construction */
#include "labels.h"
