/*
 * /proc/config: the .config this kernel was built from, byte for byte
 * (CONFIG_FS_PROC_CONFIG). config_data.asm embeds the file at build time.
 */
#include "internal.h"

extern const char proc_config_data[], proc_config_end[];

int proc_config_show(struct proc_buf *b, int pid)
{
	proc_write(b, proc_config_data, (size_t)(proc_config_end - proc_config_data));
	return 0;
}
