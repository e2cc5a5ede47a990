/*
 * /dev/console and /dev/tty: the console TTY (drivers/tty/tty.c) as a
 * character device. Reads take a line from the line discipline (blocking,
 * -EINTR on Ctrl-C), writes go to every console. Terminal ioctls belong to
 * the TTY layer and come with it; until then they fail with -ENOTTY.
 */
#include <fs/devfs.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tty/tty.h>

#define TTY_MINOR      0
#define CONSOLE_MINOR  1
#define CHUNK          256     /* bytes moved per step through the kernel stack */

static long con_read(struct file *f, struct iobuf *b, u64 *pos)
{
	char buf[CHUNK];
	long n = tty_read(buf, b->len < CHUNK ? b->len : CHUNK);
	int err;

	if (n <= 0)
		return n;
	err = iobuf_copy_to(b, 0, buf, (size_t)n);
	return err ? err : n;
}

static long con_write(struct file *f, struct iobuf *b, u64 *pos)
{
	char buf[CHUNK];
	size_t done = 0;

	while (done < b->len) {
		size_t n = b->len - done < CHUNK ? b->len - done : CHUNK;
		int err = iobuf_copy_from(b, done, buf, n);

		if (err)
			return done ? (long)done : err;
		console_write(buf, n);
		done += n;
	}
	return (long)done;
}

static const struct file_ops console_fops = {
	.read = con_read,
	.write = con_write,
};

int devfs_console_init(void)
{
	int err = register_device(S_IFCHR, MKDEV(TTYAUX_MAJOR, TTY_MINOR), 2, "console",
				  &console_fops);

	if (!err)
		err = devfs_register("tty", S_IFCHR | 0666, MKDEV(TTYAUX_MAJOR, TTY_MINOR));
	if (!err)
		err = devfs_register("console", S_IFCHR | 0600,
				     MKDEV(TTYAUX_MAJOR, CONSOLE_MINOR));
	return err;
}
