/* Label placement: each marker's label is put where it overlaps no other
 * label, no marker and no foreign frame, trying positions around the
 * marker first, then further away with a leader line. */
#ifndef CRPV_LABELS_H
#define CRPV_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include "geometry.h"

typedef struct {
    crpv_point anchor; /* the marker's centre */
    double radius;     /* the marker's radius */
    double width;      /* the label box's size */
    double height;
    crpv_rect bounds;  /* the label must lie inside (its frame, or the map) */
    int frame;         /* the frame the marker is in */
    bool no_marker;    /* a place name: ANCHOR is a point of its territory, not a marker,
                        * so no label is measured against it */
    const crpv_shape *ground; /* the territory the label names, borrowed, or NULL */
    const crpv_shape *grounds; /* all territories of the label's frame, borrowed (N_GROUNDS),
                                * GROUND among them: a box over another territory, or across
                                * a border or a coast, costs more, so that a label reads on
                                * one ground, its own or the sea */
    size_t n_grounds;
} crpv_label_request;

/* An area labels must avoid: a frame (except for the labels of that same
 * frame), a title, the legend, the credit line. */
typedef struct {
    crpv_rect box;
    int frame;         /* labels of this frame may sit inside it; -1: none may;
                        * CRPV_OBSTACLE_LINE: none may, but leaders may cross it */
} crpv_obstacle;
/* A thin obstacle, a line drawn on the map (the edge of a box pointing at
 * an inset): no label over it, leaders across it allowed. */
#define CRPV_OBSTACLE_LINE (-2)

typedef struct {
    crpv_rect box;         /* where the label goes */
    bool leader;           /* a leader line is drawn from the marker to the box */
    crpv_point leader_from;/* on the marker's rim */
    crpv_point leader_to;  /* on the box's edge */
    bool placed;           /* false: no free place was found, the label is not to be
                            * drawn; BOX is its first choice */
} crpv_label_place;

/* A label without a leader is always nearer its own marker than any other,
 * by this much at least (points, between the marker's rim and the box):
 * a reader pairs a name with the nearest disc. */
#define CRPV_LABEL_NEAREST_MARGIN 1.5

/* A leader is at most this many marker diameters long (from the marker's
 * rim to the box): a longer one reads as a line of the map, not as a
 * pointer; a label that would need one goes without (number only). */
#define CRPV_LABEL_LEADER_MAX_DIAMETERS 3.0

/* Places the N labels of REQUESTS, writing N results to OUT; a label with
 * no free place is marked so, not forced anywhere. Deterministic:
 * the same requests give the same places. Returns the number of labels for
 * which no free place was found (0 when every label is clear). */
size_t crpv_labels_place(const crpv_label_request *requests, size_t n,
                         const crpv_obstacle *obstacles, size_t n_obstacles,
                         crpv_label_place *out);

/* True when, among the labels placed (those not placed are not drawn),
 * no two boxes overlap, no box overlaps a marker
 * of REQUESTS nor a foreign obstacle, no leader crosses another label,
 * another leader or a marker, none is longer than the cap, and every label
 * without a leader is nearer its own marker than any other (the checks the
 * tests make). */
bool crpv_labels_check(const crpv_label_request *requests, size_t n,
                       const crpv_obstacle *obstacles, size_t n_obstacles,
                       const crpv_label_place *places);

#endif
