/* A fixed-size ring buffer of bytes. */
#include <stdlib.h>
#include <string.h>
#include "ring.h"

#define RING_MIN 16

struct ring {
    unsigned char *data;
    size_t head, tail, size;
};

typedef struct ring ring_t;

ring_t *ring_new(size_t size) {
    ring_t *r = malloc(sizeof *r);
    if (r == NULL) return NULL;
    r->size = size < RING_MIN ? RING_MIN : size;
    r->data = calloc(r->size, 1);
    r->head = r->tail = 0;
    return r;
}

// push one byte; returns 0 when full
int ring_push(ring_t *r, unsigned char c) {
    size_t next = (r->head + 1) % r->size;
    if (next == r->tail) {
        fprintf(stderr, "ring full: %zu\n", r->size);
        return 0;
    }
    r->data[r->head] = c;
    r->head = next;
    return 1;
}
