/* csv: under construction */
#include "csv.h"
