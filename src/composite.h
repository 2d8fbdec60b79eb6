#ifndef CRPV_COMPOSITE_H
#define CRPV_COMPOSITE_H
#endif
