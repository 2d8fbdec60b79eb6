/* scene: under construction */
#include "scene.h"
