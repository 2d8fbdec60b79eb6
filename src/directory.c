/* directory: under construction */
#include "directory.h"
