#ifndef CRPV_OUTPUT_H
#define CRPV_OUTPUT_H
#endif
