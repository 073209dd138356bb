/* The keepalived importer's mapping: a keepalived.conf tree (keepalived_parse.h)
 * to the equivalent vipd config text, with keepalived's semantics (its
 * defaults: VRRPv2, advert_int 1, script timeout = interval, auth_pass cut to 8
 * characters) spelled out. Pure: text to FILE*s, no file reading. */
#ifndef VIPD_KEEPALIVED_IMPORT_H
#define VIPD_KEEPALIVED_IMPORT_H

#include <stdio.h>

#include "keepalived_parse.h"

/* Write the vipd config for t on out and, on msgs, one line per thing that
 * could not be carried over ("file:line: 'KEYWORD' not supported: what to do
 * instead"), changed on the way ("file:line: warning: ...") or is worth
 * knowing ("file:line: note: ..."), then a summary naming source. The text is
 * loaded with vipd's own config loader before it is written. 0 when
 * everything was carried over, 1 when something was not. */
int keepalived_import(const struct kp_tree *t, const char *source, FILE *out, FILE *msgs);

#endif
