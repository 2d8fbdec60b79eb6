#ifndef CRPV_BROCHURE_H
#define CRPV_BROCHURE_H
#endif
