/* The pid file: refuse to start over a live daemon, remove it on exit. */
#ifndef VIPD_PIDFILE_H
#define VIPD_PIDFILE_H

#include <stddef.h>

/* Write our pid to path. Fails when another live process holds the file.
 * 0, or -1 with err. */
int pidfile_write(const char *path, char *err, size_t errlen);

/* Remove the file written by pidfile_write (if it still holds our pid). */
void pidfile_remove(const char *path);

#endif
